// Padding layers over F.pad: ZeroPad1d/2d/3d, ConstantPad1d/2d/3d, ReflectionPad1d/2d/3d,
// ReplicationPad1d/2d/3d and CircularPad1d/2d/3d (torch 2.x names for the zero and circular ones).

import type { Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { pad, type PadMode } from "./functional/pad.js";
import { Module } from "./module.js";

/** One number for every side, or torch's pairs from the last dim backward: (left, right[, top, bottom[, front, back]]). */
export type PadSize = number | readonly number[];
type NoOptions = Args<[], Record<never, never>>;

/**
 * The shared layer: `padding` expanded to 2·d numbers as torch's _ntuple does, checked at
 * construction. Constant pads take any input with at least d dims (negative pads crop, as torch);
 * the other modes take d + 1 (unbatched) or d + 2 (batched) dims, as torch 1.13's F.pad does.
 */
abstract class PadNd extends Module {
  readonly padding: readonly number[];
  constructor(readonly name: string, readonly d: number, readonly mode: PadMode, padding: PadSize, readonly value: number, args: readonly unknown[]) {
    super();
    const n = 2 * d;
    const p = typeof padding === "number" ? Array<number>(n).fill(padding) : [...padding];
    if (p.length !== n || p.some((v) => !Number.isInteger(v)) || (mode !== "constant" && p.some((v) => v < 0)))
      throw new Error(`${name}: padding must be ${mode === "constant" ? "an integer" : "a non-negative integer"} or ${n} of them, got ${JSON.stringify(padding)}`);
    if (typeof value !== "number") throw new TypeError(`${name}: value must be a number, got ${typeof value}`);
    this.padding = p;
    this.configure(name, mode === "constant" && name.includes("Constant") ? { padding: p, value } : { padding: p }, args, [], {});
  }
  forward(x: Tensor): Tensor {
    const d = this.d;
    const ok = this.mode === "constant" ? x.ndim >= d : x.ndim === d + 1 || x.ndim === d + 2;
    if (!ok) {
      const want = this.mode === "constant" ? `at least ${d} dims` : `${d + 1}-D (unbatched) or ${d + 2}-D (batched) input`;
      throw new Error(`${this.name}: expected ${want}, got ${fmtShape(x.shape)}`);
    }
    return this.mode === "constant" ? pad(x, this.padding, "constant", this.value) : pad(x, this.padding, this.mode);
  }
}

/** Pads the last dim with zeros; padding int or (left, right). Matches torch.nn.ZeroPad1d (torch ≥ 2.1). */
export class ZeroPad1d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.ZeroPad1d", 1, "constant", padding, 0, args); }
}
/** Pads the last 2 dims with zeros; padding int or (left, right, top, bottom). Matches torch.nn.ZeroPad2d. */
export class ZeroPad2d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.ZeroPad2d", 2, "constant", padding, 0, args); }
}
/** Pads the last 3 dims with zeros; padding int or 6 numbers. Matches torch.nn.ZeroPad3d (torch ≥ 2.1). */
export class ZeroPad3d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.ZeroPad3d", 3, "constant", padding, 0, args); }
}

/** Pads the last dim with `value`. Matches torch.nn.ConstantPad1d (padding, value). */
export class ConstantPad1d extends PadNd {
  constructor(padding: PadSize, value: number, ...args: NoOptions) { super("nn.ConstantPad1d", 1, "constant", padding, value, args); }
}
/** Pads the last 2 dims with `value`. Matches torch.nn.ConstantPad2d (padding, value). */
export class ConstantPad2d extends PadNd {
  constructor(padding: PadSize, value: number, ...args: NoOptions) { super("nn.ConstantPad2d", 2, "constant", padding, value, args); }
}
/** Pads the last 3 dims with `value`. Matches torch.nn.ConstantPad3d (padding, value). */
export class ConstantPad3d extends PadNd {
  constructor(padding: PadSize, value: number, ...args: NoOptions) { super("nn.ConstantPad3d", 3, "constant", padding, value, args); }
}

/** Mirrors [C, W] / [N, C, W] without repeating the edge (pads < W). Matches torch.nn.ReflectionPad1d. */
export class ReflectionPad1d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.ReflectionPad1d", 1, "reflect", padding, 0, args); }
}
/** Mirrors [C, H, W] / [N, C, H, W]. Matches torch.nn.ReflectionPad2d. */
export class ReflectionPad2d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.ReflectionPad2d", 2, "reflect", padding, 0, args); }
}
/** Mirrors [C, D, H, W] / [N, C, D, H, W]. Matches torch.nn.ReflectionPad3d. */
export class ReflectionPad3d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.ReflectionPad3d", 3, "reflect", padding, 0, args); }
}

/** Repeats the edge of [C, W] / [N, C, W]. Matches torch.nn.ReplicationPad1d. */
export class ReplicationPad1d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.ReplicationPad1d", 1, "replicate", padding, 0, args); }
}
/** Repeats the edge of [C, H, W] / [N, C, H, W]. Matches torch.nn.ReplicationPad2d. */
export class ReplicationPad2d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.ReplicationPad2d", 2, "replicate", padding, 0, args); }
}
/** Repeats the edge of [C, D, H, W] / [N, C, D, H, W]. Matches torch.nn.ReplicationPad3d. */
export class ReplicationPad3d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.ReplicationPad3d", 3, "replicate", padding, 0, args); }
}

/** Wraps [C, W] / [N, C, W] around (pads ≤ W). Matches torch.nn.CircularPad1d (torch ≥ 2.1). */
export class CircularPad1d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.CircularPad1d", 1, "circular", padding, 0, args); }
}
/** Wraps [C, H, W] / [N, C, H, W] around. Matches torch.nn.CircularPad2d (torch ≥ 2.1). */
export class CircularPad2d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.CircularPad2d", 2, "circular", padding, 0, args); }
}
/** Wraps [C, D, H, W] / [N, C, D, H, W] around. Matches torch.nn.CircularPad3d (torch ≥ 2.1). */
export class CircularPad3d extends PadNd {
  constructor(padding: PadSize, ...args: NoOptions) { super("nn.CircularPad3d", 3, "circular", padding, 0, args); }
}
