// Matrix products with torch.matmul's rules: 1-D operands are promoted and squeezed back, batch
// dims broadcast, and the primitive always sees [...batch, m, k] @ [...batch, k, n].

import { promoteTypes } from "../dtype.js";
import { broadcastShapes, fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { apply } from "./dispatch.js";
import { cast } from "./elementwise.js";
import { expand, reshape, squeeze, unsqueeze } from "./movement.js";

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0)
    throw new Error(`matmul: both arguments need at least 1 dimension, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const x = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const y = b.ndim === 1 ? unsqueeze(b, -1) : b;
  const k = x.shape[x.ndim - 1]!, k2 = y.shape[y.ndim - 2]!;
  if (k !== k2)
    throw new Error(`matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: inner dimensions ${k} and ${k2} differ`);
  const batch = broadcastShapes("matmul", x.shape.slice(0, -2), y.shape.slice(0, -2));
  const dtype = promoteTypes(a.dtype, b.dtype);
  const xb = expand(cast(x, dtype), [...batch, ...x.shape.slice(-2)]);
  const yb = expand(cast(y, dtype), [...batch, ...y.shape.slice(-2)]);
  let out = apply("matmul", [xb, yb], null);
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
}

/** 2-D matrix product only (torch.mm). */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new Error(`mm: expected 2-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

/** Batched 3-D matrix product, no broadcasting (torch.bmm). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0])
    throw new Error(`bmm: expected 3-D tensors with equal batch sizes, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

/** Inner product of two 1-D tensors (torch.dot). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0])
    throw new Error(`dot: expected two 1-D tensors of equal length, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return reshape(matmul(a, b), []);
}
