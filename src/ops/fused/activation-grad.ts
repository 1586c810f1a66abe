// The backward of tanh and sigmoid as one op each: g·(1 − y²) and g·y·(1 − y) from the saved
// output y. The composites cost three or four kernels per use; these rules are differentiable,
// so gradients of gradients still work.

import { hostKernels, onHost, type FusedDef, type FusedKernel } from "./def.js";

// Above this size the composite's SIMD kernels beat one scalar host loop.
const HOST_MAX = 1 << 15;

const kernel = (f: (g: number, y: number) => number): FusedKernel<null> => ([g, y]) => {
  if (g!.numel > HOST_MAX || g!.dtype !== y!.dtype || g!.ndim !== y!.ndim || g!.shape.some((s, d) => s !== y!.shape[d])) return null;
  return onHost([g!, y!], [[y!.shape, y!.dtype]], ([gi, yi], [out]) => {
    for (let i = 0; i < out!.length; i++) out![i] = f(gi!.data[gi!.off + i]!, yi!.data[yi!.off + i]!);
  });
};

/** g·(1 − y²) for y = tanh(x). */
export const tanhBackward: FusedDef<null> = {
  reference: ([g, y]) => [g!.mul(y!.square().neg().add(1))],
  // ∂/∂g = 1 − y², ∂/∂y = −2·g·y
  backward: ([gg], [g, y], _, __, needs) => [
    needs[0] ? gg!.mul(y!.square().neg().add(1)) : null,
    needs[1] ? gg!.mul(g!).mul(y!).mul(-2) : null,
  ],
  kernels: hostKernels(kernel((g, y) => g * (1 - y * y))),
};

/** g·y·(1 − y) for y = sigmoid(x). */
export const sigmoidBackward: FusedDef<null> = {
  reference: ([g, y]) => [g!.mul(y!.mul(y!.neg().add(1)))],
  // ∂/∂g = y(1 − y), ∂/∂y = g·(1 − 2y)
  backward: ([gg], [g, y], _, __, needs) => [
    needs[0] ? gg!.mul(y!.mul(y!.neg().add(1))) : null,
    needs[1] ? gg!.mul(g!).mul(y!.mul(-2).add(1)) : null,
  ],
  kernels: hostKernels(kernel((g, y) => g * (y * (1 - y)))),
};
