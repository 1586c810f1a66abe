// The backward of tanh and sigmoid as one op each: g·(1 − y²) and g·y·(1 − y) from the saved
// output y. The composites cost three or four kernels per use; these rules are differentiable,
// so gradients of gradients still work.

import { Tensor } from "../../tensor.js";
import { onHost, type FusedDef, type FusedKernel } from "./def.js";

// The loops are written out per function (a callback per element is not reliably inlined).
const kernel = (which: "tanh" | "sigmoid"): FusedKernel<null> => ([g, y]) => {
  if (g!.dtype !== y!.dtype || g!.ndim !== y!.ndim || g!.shape.some((s, d) => s !== y!.shape[d])) return null;
  return onHost([g!, y!], [[y!.shape, y!.dtype]], ([gi, yi], [out]) => {
    const gd = gi!.data, yd = yi!.data, go = gi!.off, yo = yi!.off, o = out!, n = o.length;
    if (which === "tanh")
      for (let i = 0; i < n; i++) {
        const v = yd[yo + i]!;
        o[i] = gd[go + i]! * (1 - v * v);
      }
    else
      for (let i = 0; i < n; i++) {
        const v = yd[yo + i]!;
        o[i] = gd[go + i]! * (v * (1 - v));
      }
  }, false);
};

// The wasm backend's SIMD kernel (same f64 arithmetic, so the same bits), else the host loop; both
// serve every size, so the two backends agree bit for bit.
const viaBackend = (which: "tanh" | "sigmoid"): FusedKernel<null> => {
  const host = kernel(which);
  return (xs, attrs) => {
    const [g, y] = [xs[0]!, xs[1]!];
    const b = g.backend;
    const s = g.dtype === y.dtype && g.ndim === y.ndim && g.shape.every((n, d) => n === y.shape[d]) ? b.activationGrad?.(which, g, y) : null;
    return s ? [Tensor.fromStorage(b, s, g.shape, g.dtype)] : host(xs, attrs);
  };
};
const kernelsFor = (which: "tanh" | "sigmoid"): Record<string, FusedKernel<null>> => ({ cpu: kernel(which), wasm: viaBackend(which) });

/** g·(1 − y²) for y = tanh(x). */
export const tanhBackward: FusedDef<null> = {
  reference: ([g, y]) => [g!.mul(y!.square().neg().add(1))],
  // ∂/∂g = 1 − y², ∂/∂y = −2·g·y
  backward: ([gg], [g, y], _, __, needs) => [
    needs[0] ? gg!.mul(y!.square().neg().add(1)) : null,
    needs[1] ? gg!.mul(g!).mul(y!).mul(-2) : null,
  ],
  kernels: kernelsFor("tanh"),
};

/** g·y·(1 − y) for y = sigmoid(x). */
export const sigmoidBackward: FusedDef<null> = {
  reference: ([g, y]) => [g!.mul(y!.mul(y!.neg().add(1)))],
  // ∂/∂g = y(1 − y), ∂/∂y = g·(1 − 2y)
  backward: ([gg], [g, y], _, __, needs) => [
    needs[0] ? gg!.mul(y!.mul(y!.neg().add(1))) : null,
    needs[1] ? gg!.mul(g!).mul(y!.mul(-2).add(1)) : null,
  ],
  kernels: kernelsFor("sigmoid"),
};
