// Argument packing for the convolution kernels of wasm/conv.ts (jobs 20-26) and wasm/conv-weight.ts (27): im2col, col2im and
// the per-channel bias add over float32 storages. src/ops/fused/conv.ts calls these.

import type { Storage } from "../backend.js";
import type { Geometry } from "../../ops/fused/conv-host.js";
import type { WasmBackend } from "./wasm-backend.js";

const chunks = (be: WasmBackend, planes: number): number => Math.max(1, Math.min(planes, be.getNumThreads() > 1 ? be.getNumThreads() * 4 : 1));
const geo = (g: Geometry, n: number): number[] => [n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.oh, g.ow];

/** im2col of n samples of x (float32 from element xOff) into cols (see conv-host.ts im2col for the layout). */
export function im2colJob(be: WasmBackend, g: Geometry, x: Storage, xOff: number, n: number, cols: Storage, nStride: number, rowStride: number): void {
  be.job([20, ...geo(g, n), be.ptr(x) + 4 * xOff, be.ptr(cols), nStride, rowStride], chunks(be, n * g.c));
}

/** col2im: dx (n samples, written whole) = the adjoint of im2col applied to cols (from element cOff). */
export function col2imJob(be: WasmBackend, g: Geometry, cols: Storage, cOff: number, n: number, dx: Storage, nStride: number, rowStride: number): void {
  be.job([21, ...geo(g, n), be.ptr(dx), be.ptr(cols) + 4 * cOff, nStride, rowStride], chunks(be, n * g.c));
}

/** y[p, :] += bias[p mod o] for the `planes` rows of length l of a contiguous float32 y, in place. */
export function biasJob(be: WasmBackend, y: Storage, planes: number, o: number, l: number, bias: Storage, bOff: number): void {
  be.job([22, planes, o, l, be.ptr(y), be.ptr(bias) + 4 * bOff], planes * l >= 32768 ? chunks(be, planes) : 1);
}

/** Max pooling of `planes` [h, w] planes of x into values and int32 indices [planes, oh, ow]; p: the pooling geometry. */
export function maxPoolJob(be: WasmBackend, p: readonly number[], planes: number, x: Storage, xOff: number, values: Storage, indices: Storage): void {
  be.job([23, planes, ...p, be.ptr(x) + 4 * xOff, be.ptr(values), be.ptr(indices)], chunks(be, planes));
}

/** dx [planes, hw] = g [planes, l] scattered to the int32 indices (both contiguous from the given element offsets). */
export function maxPoolBackJob(be: WasmBackend, planes: number, hw: number, l: number, g: Storage, gOff: number, indices: Storage, iOff: number, dx: Storage): void {
  be.job([24, planes, hw, l, be.ptr(g) + 4 * gOff, be.ptr(indices) + 4 * iOff, be.ptr(dx)], chunks(be, planes));
}

/** ReLU (25: out = max(a, 0)) or its backward (26: out = a where b > 0 or NaN) over n contiguous float32 elements. */
export function reluJob(be: WasmBackend, fn: 25 | 26, n: number, a: Storage, aOff: number, b: Storage, bOff: number, out: Storage): void {
  const parts = n >= 32768 ? chunks(be, Math.ceil(n / 16384)) : 1;
  be.job([fn, n, be.ptr(a) + 4 * aOff, be.ptr(b) + 4 * bOff, be.ptr(out)], parts);
}

/** gw [G·og, kg] = Σ over n samples of gy [n, G·og, l] times cols [n, G·kg, l] transposed, per group (contiguous float32 from the given element offsets). */
export function convWeightJob(be: WasmBackend, n: number, groups: number, og: number, kg: number, l: number, gy: Storage, gyOff: number, cols: Storage, cOff: number, gw: Storage): void {
  be.job([27, n, groups, og, kg, l, be.ptr(gy) + 4 * gyOff, be.ptr(cols) + 4 * cOff, be.ptr(gw)], chunks(be, groups * Math.ceil(kg / 4)));
}
