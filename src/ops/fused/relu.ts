// ReLU as one op with a one-op backward: y = max(x, 0) (NaN stays NaN, the gradient at 0 is 0, as
// torch.relu) and dx = g where y > 0 (or NaN). The composite where(x ≤ 0, 0, x) costs a compare,
// a bool tensor and a strided select each way; the wasm kernels are one SIMD pass each.

import { reluJob } from "../../backend/wasm/conv-jobs.js";
import type { Tensor } from "../../tensor.js";
import { where } from "../elementwise.js";
import { fresh, wasmOf } from "./conv-host.js";
import { hostKernels, onHost, type FusedDef, type FusedKernel } from "./def.js";
import { applyFused } from "./table.js";

const float = (t: Tensor): boolean => t.dtype === "float32" || t.dtype === "float64";

const forward: FusedKernel<null> = ([x]) => {
  if (!float(x!)) return null;
  const be = wasmOf(x!);
  if (be) {
    const xc = x!.contiguous(), y = fresh(x!, x!.shape);
    if (y.numel > 0) reluJob(be, 25, y.numel, xc.storage, xc.offset, xc.storage, xc.offset, y.storage);
    return [y];
  }
  return onHost([x!], [[x!.shape, x!.dtype]], ([xi], [y]) => {
    const d = xi!.data, o = xi!.off;
    for (let i = 0; i < y!.length; i++) {
      const v = d[o + i]!;
      y![i] = v <= 0 ? 0 : v;
    }
  }, false);
};

const backward: FusedKernel<null> = ([g, y]) => {
  if (!float(g!) || g!.dtype !== y!.dtype || g!.shape.some((s, d) => s !== y!.shape[d]) || g!.ndim !== y!.ndim) return null;
  const be = wasmOf(g!);
  if (be) {
    const gc = g!.contiguous(), yc = y!.contiguous(), out = fresh(g!, g!.shape);
    if (out.numel > 0) reluJob(be, 26, out.numel, gc.storage, gc.offset, yc.storage, yc.offset, out.storage);
    return [out];
  }
  return onHost([g!, y!], [[g!.shape, g!.dtype]], ([gi, yi], [out]) => {
    for (let i = 0; i < out!.length; i++) out![i] = yi!.data[yi!.off + i]! <= 0 ? 0 : gi!.data[gi!.off + i]!;
  }, false);
};

export const relu: FusedDef<null> = {
  reference: ([x]) => [where(x!.le(0), 0, x!)],
  backward: ([g], _, [y]) => [applyFused("reluBackward", [g!, y!], null)[0]!],
  kernels: hostKernels(forward),
};

/** g where y > 0 (or NaN), else 0: the gradient of y = relu(x) from its output. */
export const reluBackward: FusedDef<null> = {
  reference: ([g, y]) => [where(y!.le(0), 0, g!)],
  // linear in g with the same mask; piecewise constant in y (no gradient)
  backward: ([gg], [, y], _, __, needs) => [needs[0] ? applyFused("reluBackward", [gg!, y!], null)[0]! : null, null],
  kernels: hostKernels(backward),
};
