// linear: y = act(x·Wᵀ + b), x [..., in], W [out, in], b [out]. On wasm (float32) one job: the GEMM,
// then the bias and ReLU on each chunk of rows while it is in cache; its rule masks dY and sums it
// for the bias in one pass, and runs its two GEMMs as the same job. Elsewhere the reference runs.

import { isGradEnabled } from "../../autograd/grad-mode.js";
import { linearForwardJob, linearGradJob, type MatrixOperand } from "../../backend/wasm/linear-jobs.js";
import type { WasmBackend } from "../../backend/wasm/wasm-backend.js";
import { Tensor } from "../../tensor.js";
import { relu } from "../elementwise.js";
import { reshape } from "../movement.js";
import { wasmOf } from "./conv-host.js";
import type { FusedDef, FusedKernel } from "./def.js";
import { applyFused } from "./table.js";

export type Activation = "none" | "relu" | "tanh" | "sigmoid";
type Attrs = { activation: Activation };

const act = (y: Tensor, a: Activation): Tensor => (a === "relu" ? relu(y) : a === "tanh" ? y.tanh() : a === "sigmoid" ? y.sigmoid() : y);
const rows = (t: Tensor, k: number): Tensor => (t.ndim === 2 ? t : reshape(t, [-1, k]));
const f32 = (...ts: Tensor[]): boolean => ts.every((t) => t.dtype === "float32" && t.storage.dtype === "float32");
const operand = (t: Tensor, transposed = false): MatrixOperand => ({ storage: t.storage, offset: t.offset, rs: t.strides[transposed ? 1 : 0]!, cs: t.strides[transposed ? 0 : 1]! });

/** a [m, k] (or aᵀ) times b [k, n] by job 51 (the matmul op's GEMM and bits, without its dispatch), shaped `shape`. */
function mm(be: WasmBackend, a: MatrixOperand, b: MatrixOperand, m: number, k: number, n: number, shape: readonly number[], bias: Tensor | null = null, relu = false): Tensor {
  return Tensor.fromStorage(be, linearForwardJob(be, m, n, k, a, b, bias, relu), shape, "float32");
}

const kernel: FusedKernel<Attrs> = ([x, w, b], { activation }) => {
  const be = wasmOf(x!);
  const [out, k] = w!.shape as [number, number];
  if (!be || !f32(x!, w!, ...(b ? [b] : [])) || (b && (b.ndim !== 1 || b.shape[0] !== out))) return null;
  const x2 = rows(x!, k), r = activation === "relu";
  const y = mm(be, operand(x2), operand(w!, true), x2.shape[0]!, k, out, [...x!.shape.slice(0, -1), out], b?.contiguous() ?? null, r);
  return [r ? y : act(y, activation)]; // tanh and sigmoid as their ops after the job
};

/** dY' (dY through the activation) and the bias gradient Σ dY' in one wasm pass; null where that does not apply. */
function gradJob(g: Tensor, y: Tensor, out: number, relu: boolean): [Tensor, Tensor] | null {
  const be = isGradEnabled() ? null : wasmOf(g);
  if (!be || !f32(g, y)) return null;
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
    const [out, k] = w!.shape as [number, number];
    const fast = (b || activation === "relu") && (activation === "none" || activation === "relu") ? gradJob(g!, y!, out, activation === "relu") : null;
    const gy = fast?.[0] ?? through(g!, y!, activation);
    const g2 = rows(gy, out), x2 = rows(x!, k), be = isGradEnabled() ? null : wasmOf(g2);
    if (be && f32(g2, x2, w!)) // no graph to record: the GEMM jobs straight
      return [
        needs[0] ? mm(be, operand(g2), operand(w!), g2.shape[0]!, out, k, x!.shape) : null,
        needs[1] ? mm(be, operand(g2, true), operand(x2), out, g2.shape[0]!, k, [out, k]) : null,
        b && needs[2] ? (fast?.[1] ?? g2.sum(0)) : null,
      ];
    return [needs[0] ? gy.matmul(w!) : null, needs[1] ? g2.t().matmul(x2) : null, b && needs[2] ? (fast?.[1] ?? g2.sum(0)) : null];
  },
  kernels: { wasm: kernel },
};
