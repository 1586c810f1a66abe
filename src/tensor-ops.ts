// The longer bodies of Tensor's methods that are not one-line delegations: backward's seeding,
// assign's checks and storage ownership, `to`'s argument forms, and the PyTorch-style repr.

import type { Storage } from "./backend/backend.js";
import { listBackends } from "./backend/registry.js";
import { checkDType, DTYPES, isDType, looksLikeDType, type DType } from "./dtype.js";
import { formatTensor } from "./format.js";
import { fmtShape, shapesEqual } from "./shape.js";
import { isGradEnabled } from "./autograd/grad-mode.js";
import { gradHooks, runBackward, type BackwardOptions } from "./autograd/tape.js";
import { Tensor } from "./tensor.js";
import * as ew from "./ops/elementwise.js";
import * as mv from "./ops/movement.js";

/** Storages owned by more than one tensor through assign(), with their owner count. */
const sharedOwners = new WeakMap<Storage, number>();

/** Drops one owner of `s`; true when it was the last (the caller frees the storage then). */
export function releaseOwner(s: Storage): boolean {
  const owners = sharedOwners.get(s);
  if (owners !== undefined && owners > 1) {
    sharedOwners.set(s, owners - 1);
    return false;
  }
  return true;
}

/** Tensor.backward: seeds the gradient (1 for one-element tensors) and accumulates into .grad. */
export function backwardFrom(self: Tensor, gradient: Tensor | undefined, opts: BackwardOptions): void {
  if (!self.requiresGrad) throw new Error("backward: this tensor does not require grad and has no gradFn");
  let seed = gradient;
  if (!seed) {
    if (self.numel !== 1)
      throw new Error(`backward: grad can be implicitly created only for scalar outputs; this tensor has shape ${fmtShape(self.shape)}, pass a gradient`);
    seed = ew.fullLike(self, 1);
  } else if (!shapesEqual(seed.shape, self.shape)) {
    throw new Error(`backward: gradient shape ${fmtShape(seed.shape)} does not match the tensor's shape ${fmtShape(self.shape)}`);
  }
  runBackward([self], [seed], (t, g) => {
    if (!t.isLeaf && !t.retainsGrad) return;
    const gd = opts.createGraph ? g : g.detach();
    t.grad = t.grad ? (opts.createGraph ? t.grad.add(gd) : t.grad.add(gd).detach()) : gd;
    if (t.isLeaf) gradHooks.accumulated?.(t);
  }, opts, (t) => t.isLeaf || t.retainsGrad);
}

/**
 * Tensor.assign's checks and new value: `other` converted to self's dtype, contiguous. A storage
 * adopted without a copy gets a second owner (see releaseOwner); self's old storage loses one.
 */
export function assignedValue(self: Tensor, other: Tensor | number): Tensor {
  if (!(other instanceof Tensor) && typeof other !== "number") throw new TypeError(`assign: expected a Tensor or a number, got ${other === null ? "null" : typeof other}`);
  const src = typeof other === "number" ? ew.fullLike(self, other) : other;
  if (!shapesEqual(src.shape, self.shape))
    throw new Error(`assign: cannot assign a tensor of shape ${fmtShape(src.shape)} to one of shape ${fmtShape(self.shape)}`);
  if (isGradEnabled() && self.isLeaf && self.requiresGrad)
    throw new Error("assign: a leaf tensor that requires grad cannot be modified while grad mode is on; wrap it in noGrad()");
  // torch would rebase the history onto `other`; keeping the old gradFn would silently send
  // gradients down a path that no longer produced these values
  if (isGradEnabled() && self.gradFn)
    throw new Error(
      `assign: this tensor ${fmtShape(self.shape)} is the output of a recorded '${self.gradFn.op}' op; modifying it while grad ` +
        "mode is on would corrupt its gradient: wrap the assign in noGrad(), or assign to a detach()ed copy",
    );
  const c = mv.contiguous(ew.cast(src, self.dtype));
  if (c.storage === src.storage) {
    // adopted without a copy: both tensors own the storage now (see dispose)
    const owners = sharedOwners.get(c.storage) ?? 1;
    sharedOwners.set(c.storage, owners + 1);
  }
  const prev = sharedOwners.get(self.storage);
  if (prev !== undefined && self.storage !== c.storage) sharedOwners.set(self.storage, prev - 1);
  return c;
}

/** Tensor.to: a dtype, a device, both, or another tensor's device and dtype. */
export function toTarget(self: Tensor, target: string | Tensor, dtype?: DType): Tensor {
  if (target instanceof Tensor) return toTarget(self, target.device, target.dtype);
  if (isDType(target)) {
    if (dtype !== undefined) throw new TypeError(`to: got two dtypes ('${target}' and '${String(dtype)}'); pass a device and a dtype, or one of them`);
    return ew.cast(self, target);
  }
  if (typeof target !== "string") throw new TypeError(`to: expected a dtype (${DTYPES.join(", ")}), a device (${listBackends().join(", ")}) or a tensor, got ${String(target)}`);
  if (!listBackends().includes(target)) {
    if (looksLikeDType(target)) checkDType("to", target);
    throw new TypeError(`to: '${target}' is neither a device here (${listBackends().join(", ")}) nor a dtype (${DTYPES.join(", ")})`);
  }
  const moved = mv.toDevice(self, target);
  return dtype === undefined ? moved : ew.cast(moved, checkDType("to", dtype));
}

/** PyTorch's repr: tensor([[1.0000, 2.0000]], requires_grad=True). */
export function tensorRepr(t: Tensor): string {
  // torch omits the dtype when it is the one the values imply (default float, or bool)
  const suffix: string[] = [];
  if (t.numel === 0 && t.ndim !== 1) suffix.push(`size=${fmtShape(t.shape)}`);
  if (t.dtype !== "float32" && t.dtype !== "bool") suffix.push(`dtype=${t.dtype}`);
  if (t.gradFn) suffix.push(`gradFn=<${t.gradFn.op}>`);
  else if (t.requiresGrad) suffix.push("requires_grad=True");
  if (t.numel === 0) return `tensor(${["[]", ...suffix].join(", ")})`;
  return formatTensor(t.dataSync(), t.shape, t.dtype, suffix);
}
