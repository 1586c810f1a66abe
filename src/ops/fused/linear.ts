// linear: y = act(x·Wᵀ + b), x [..., in], W [out, in], b [out]. One GEMM, the bias and the
// activation added in place on the host (no extra kernel, no tape node), and one rule.

import type { Tensor } from "../../tensor.js";
import { relu, where } from "../elementwise.js";
import { matmul } from "../linalg.js";
import { reshape } from "../movement.js";
import type { FusedDef, FusedKernel } from "./def.js";

export type Activation = "none" | "relu" | "tanh" | "sigmoid";
type Attrs = { activation: Activation };

const act = (y: Tensor, a: Activation): Tensor => (a === "relu" ? relu(y) : a === "tanh" ? y.tanh() : a === "sigmoid" ? y.sigmoid() : y);

// Above this many outputs the bias and activation run as backend kernels (SIMD, threads) instead of a host loop.
const HOST_MAX = 1 << 13;

const kernel: FusedKernel<Attrs> = ([x, w, b], { activation }) => {
  const be = x!.backend;
  const out = w!.shape[0]!;
  if (w!.dtype !== x!.dtype || (b && (b.dtype !== x!.dtype || b.ndim !== 1 || b.shape[0] !== out))) return null;
  const y = matmul(x!, w!.t());
  if (!be.hostView || y.numel > HOST_MAX) return [act(b ? y.add(b) : y, activation)];
  const d = be.hostView(y.storage); // y is fresh and contiguous: updated in place
  const bd = b ? be.hostView(b.contiguous().storage) : null;
  const bo = b?.contiguous().offset ?? 0;
  for (let i = 0; i < d.length; i++) {
    let v = d[i]! + (bd ? bd[bo + (i % out)]! : 0);
    if (activation === "relu") v = v > 0 || v !== v ? v : 0;
    else if (activation === "tanh") v = Math.tanh(v);
    else if (activation === "sigmoid") v = 1 / (1 + Math.exp(-v));
    d[i] = v;
  }
  return [y];
};

export const linear: FusedDef<Attrs> = {
  reference: ([x, w, b], { activation }) => {
    const y = x!.matmul(w!.t());
    return [act(b ? y.add(b) : y, activation)];
  },
  backward: ([g], [x, w, b], [y], { activation }, needs) => {
    let gy = g!;
    if (activation === "relu") gy = where(y!.gt(0), gy, 0);
    else if (activation === "tanh") gy = gy.mul(y!.square().neg().add(1));
    else if (activation === "sigmoid") gy = gy.mul(y!.mul(y!.neg().add(1)));
    const out = w!.shape[0]!;
    const g2 = reshape(gy, [-1, out]);
    return [
      needs[0] ? gy.matmul(w!) : null,
      needs[1] ? g2.t().matmul(reshape(x!, [-1, w!.shape[1]!])) : null,
      b && needs[2] ? g2.sum(0) : null,
    ];
  },
  kernels: { cpu: kernel, wasm: kernel },
};
