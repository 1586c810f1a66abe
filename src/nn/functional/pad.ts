// F.pad (torch.nn.functional.pad) with torch's argument order: the core constant pad, and the
// reflect, replicate and circular modes of padSpatial (windows.ts).

import { pad as constantPad } from "../../ops/movement.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { padSpatial } from "./windows.js";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";
export interface PadOptions {
  mode?: PadMode;
  /** The fill for mode 'constant' (default 0); the other modes take none, as in torch. */
  value?: number | null;
}

/**
 * Pads with torch's pairs from the last dim backward ([left, right, top, bottom, …]): 'constant'
 * fills `value` (negative pads crop), 'reflect' mirrors without repeating the edge, 'replicate'
 * repeats the edge, 'circular' wraps around. A number in third place is the constant value
 * (myelin's earlier pad(x, padding, value)); torch's pad(x, p, "reflect") used to give NaN here.
 * Matches torch.nn.functional.pad (input, pad, mode='constant', value=None).
 */
export function pad(input: Tensor, padding: readonly number[], ...args: Args<[mode: PadMode | number, value: number | null], PadOptions>): Tensor {
  const where = "F.pad";
  const given = typeof args[0] === "number" ? [undefined, ...args] : args;
  const { mode, value } = resolveArgs<{ mode: PadMode; value: number | null }>(where, given, ["mode", "value"], { mode: "constant", value: null });
  if (value !== null && typeof value !== "number") throw new TypeError(`${where}: value must be a number, got ${typeof value}`);
  if (mode === "constant") return constantPad(input, padding, value ?? 0);
  if (mode !== "reflect" && mode !== "replicate" && mode !== "circular")
    throw new RangeError(`${where}: mode must be 'constant', 'reflect', 'replicate' or 'circular', got ${String(mode)}`);
  if (value !== null) throw new Error(`${where}: mode '${mode}' takes no value (torch), got ${value}`);
  const k = padding.length / 2;
  if (!Number.isInteger(k) || k > input.ndim || padding.some((p) => !Number.isInteger(p) || p < 0))
    throw new Error(`${where}: mode '${mode}' needs non-negative integer pairs, at most 2×${input.ndim} numbers for ${fmtShape(input.shape)}, got ${fmtShape(padding)}`);
  // padSpatial takes [before, after] for the trailing k dims, the first of them first
  const pairs = Array.from({ length: k }, (_, j) => [padding[2 * (k - 1 - j)]!, padding[2 * (k - 1 - j) + 1]!] as const);
  return padSpatial(where, input, pairs, mode);
}
