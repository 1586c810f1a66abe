// linear: y = act(x·Wᵀ + b), x [..., in], W [out, in], b [out]. On wasm (float32, no activation or
// ReLU) one job: the GEMM, then the bias and ReLU on each chunk of rows while it is in cache; its
// rule masks dY and sums it for the bias in one pass. Elsewhere the GEMM and a host loop.

import { isGradEnabled } from "../../autograd/grad-mode.js";
import { linearForwardJob, linearGradJob } from "../../backend/wasm/linear-jobs.js";
import { Tensor } from "../../tensor.js";
import { relu } from "../elementwise.js";
import { matmul } from "../linalg.js";
import { reshape } from "../movement.js";
import { wasmOf } from "./conv-host.js";
import type { FusedDef, FusedKernel } from "./def.js";
import { applyFused } from "./table.js";

export type Activation = "none" | "relu" | "tanh" | "sigmoid";
type Attrs = { activation: Activation };

const act = (y: Tensor, a: Activation): Tensor => (a === "relu" ? relu(y) : a === "tanh" ? y.tanh() : a === "sigmoid" ? y.sigmoid() : y);
const rows = (t: Tensor, k: number): Tensor => (t.ndim === 2 ? t : reshape(t, [-1, k]));

// Above this many outputs the bias and activation run as backend kernels (SIMD, threads) instead of a host loop.
const HOST_MAX = 1 << 13;

const kernel: FusedKernel<Attrs> = ([x, w, b], { activation }) => {
  const be = x!.backend, wa = wasmOf(x!);
  const [out, k] = w!.shape as [number, number];
  if (w!.dtype !== x!.dtype || (b && (b.dtype !== x!.dtype || b.ndim !== 1 || b.shape[0] !== out))) return null;
  if (wa && w!.storage.dtype === "float32" && x!.storage.dtype === "float32" && (activation === "none" || activation === "relu")) {
    const x2 = rows(x!, k), bc = b?.contiguous();
    const y = linearForwardJob(wa, x2.shape[0]!, out, k, { storage: x2.storage, offset: x2.offset, rs: x2.strides[0]!, cs: x2.strides[1]! },
      { storage: w!.storage, offset: w!.offset, rs: w!.strides[1]!, cs: w!.strides[0]! }, bc ?? null, activation === "relu");
    return [Tensor.fromStorage(be, y, [...x!.shape.slice(0, -1), out], "float32")];
  }
  const y = matmul(x!, w!.t());
  if (!be.hostView || y.numel > HOST_MAX) return [act(b ? y.add(b) : y, activation)];
  const d = be.hostView(y.storage); // y is fresh and contiguous: updated in place
  const bd = b ? be.hostView(b.contiguous().storage) : null;
  const bo = b?.contiguous().offset ?? 0;
  for (let i = 0; i < d.length; i++) {
    let v = d[i]! + (bd ? bd[bo + (i % out)]! : 0);
    if (activation === "relu") v = v <= 0 ? 0 : v;
    else if (activation === "tanh") v = Math.tanh(v);
    else if (activation === "sigmoid") v = 1 / (1 + Math.exp(-v));
    d[i] = v;
  }
  return [y];
};

/** dY' (dY through the activation) and the bias gradient Σ dY' in one wasm pass; null where that does not apply. */
function gradJob(g: Tensor, y: Tensor, out: number, relu: boolean): [Tensor, Tensor] | null {
  const be = isGradEnabled() ? null : wasmOf(g);
  if (!be || y.dtype !== "float32" || g.storage.dtype !== "float32") return null;
  const gc = rows(g, out).contiguous(), yc = relu ? rows(y, out).contiguous() : null;
  const r = linearGradJob(be, gc.shape[0]!, out, gc, yc);
  return [r.gy ? Tensor.fromStorage(be, r.gy, g.shape, "float32") : g, Tensor.fromStorage(be, r.db, [out], "float32")];
}

/** dY through the activation, from its output y (ReLU as the unfused nn.ReLU's rule). */
const through = (g: Tensor, y: Tensor, a: Activation): Tensor =>
  a === "relu" ? applyFused("reluBackward", [g, y], null)[0]! : a === "tanh" ? g.mul(y.square().neg().add(1)) : a === "sigmoid" ? g.mul(y.mul(y.neg().add(1))) : g;

export const linear: FusedDef<Attrs> = {
  reference: ([x, w, b], { activation }) => {
    const y = x!.matmul(w!.t());
    return [act(b ? y.add(b) : y, activation)];
  },
  backward: ([g], [x, w, b], [y], { activation }, needs) => {
    const out = w!.shape[0]!;
    const fast = (b || activation === "relu") && (activation === "none" || activation === "relu") ? gradJob(g!, y!, out, activation === "relu") : null;
    const gy = fast?.[0] ?? through(g!, y!, activation);
    const g2 = rows(gy, out);
    return [
      needs[0] ? gy.matmul(w!) : null,
      needs[1] ? g2.t().matmul(rows(x!, w!.shape[1]!)) : null,
      b && needs[2] ? (fast?.[1] ?? g2.sum(0)) : null,
    ];
  },
  kernels: { cpu: kernel, wasm: kernel },
};
