// softmax and logSoftmax along one dim: one pass per row instead of five kernels, and a backward
// of three ops (the composite's tape has eight).

import type { Tensor } from "../../tensor.js";
import { where } from "../elementwise.js";
import { amax } from "../reduce.js";
import { hostKernels, onHost, type FusedDef, type FusedKernel } from "./def.js";

type Attrs = { dim: number };

/** softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m), m = max x (stable). */
export function softmaxRef(x: Tensor, dim: number): Tensor {
  const e = x.sub(amax(x.detach(), dim, true)).exp();
  return e.div(e.sum(dim, true));
}

/** log softmax(x) = (x − m) − log Σ exp(x − m), m = max x (0 where m is infinite: no inf − inf). */
export function logSoftmaxRef(x: Tensor, dim: number): Tensor {
  const mRaw = amax(x.detach(), dim, true);
  const shifted = x.sub(where(mRaw.isinf(), 0, mRaw));
  return shifted.sub(shifted.exp().sum(dim, true).log());
}

/** Rows along `dim` of a contiguous tensor: `outer` blocks of `n` elements spaced `inner` apart. */
function rowsKernel(log: boolean): FusedKernel<Attrs> {
  return ([x], { dim }) => {
    const shape = x!.shape;
    const n = shape[dim]!;
    const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, dim).reduce((a, b) => a * b, 1);
    return onHost([x!], [[shape, x!.dtype]], ([xi], [y]) => {
      const { data: xd, off } = xi!;
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          const base = o * n * inner + i;
          let m = -Infinity;
          for (let j = 0; j < n; j++) m = Math.max(m, xd[off + base + j * inner]!);
          if (log && !Number.isFinite(m)) m = 0;
          let s = 0;
          for (let j = 0; j < n; j++) {
            const e = Math.exp(xd[off + base + j * inner]! - m);
            if (!log) y![base + j * inner] = e;
            s += e;
          }
          if (log) {
            const ls = Math.log(s);
            for (let j = 0; j < n; j++) y![base + j * inner] = xd[off + base + j * inner]! - m - ls;
          } else for (let j = 0; j < n; j++) y![base + j * inner] = y![base + j * inner]! / s;
        }
    }, false);
  };
}

export const softmax: FusedDef<Attrs> = {
  reference: ([x], { dim }) => [softmaxRef(x!, dim)],
  // dx = y ⊙ (g − Σ g⊙y)
  backward: ([g], _, [y], { dim }) => [y!.mul(g!.sub(g!.mul(y!).sum(dim, true)))],
  kernels: hostKernels(rowsKernel(false)),
};

export const logSoftmax: FusedDef<Attrs> = {
  reference: ([x], { dim }) => [logSoftmaxRef(x!, dim)],
  // dx = g − exp(y) ⊙ Σ g
  backward: ([g], _, [y], { dim }) => [g!.sub(y!.exp().mul(g!.sum(dim, true)))],
  kernels: hostKernels(rowsKernel(true)),
};
