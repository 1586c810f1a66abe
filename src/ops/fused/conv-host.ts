// im2col and col2im over host memory (typed arrays, also wasm's): the two loops of the fused
// convolution (conv.ts), and the helpers the CNN kernels share to reach the wasm jobs. Rows of the columns are (channel, kernel row, kernel column); each row
// holds one output map's worth of input taps, so a GEMM with the weight gives the output map.

import type { WasmBackend } from "../../backend/wasm/wasm-backend.js";
import type { DType, TypedArray } from "../../dtype.js";
import { Tensor } from "../../tensor.js";

/** The wasm backend, whose jobs (backend/wasm/conv-jobs.ts) take float32 tensors; null elsewhere (host loops run). */
export const wasmOf = (t: Tensor): WasmBackend | null => (t.dtype === "float32" && t.backend.name === "wasm" ? (t.backend as WasmBackend) : null);

/** A new contiguous tensor on like's backend whose elements the caller writes. */
export function fresh(like: Tensor, shape: readonly number[], dtype: DType = like.dtype): Tensor {
  const b = like.backend, n = shape.reduce((p, q) => p * q, 1);
  return Tensor.fromStorage(b, b.empty ? b.empty(n, dtype) : b.full(n, dtype, 0), shape, dtype);
}

/** A 2-D convolution's geometry: input [N, C, H, W], kernel [kh, kw], output [oh, ow]. */
export interface Geometry {
  n: number; c: number; h: number; w: number;
  kh: number; kw: number; sh: number; sw: number; dh: number; dw: number;
  pt: number; pl: number; // zero padding before the first row and column (the padding after is implied by oh, ow)
  oh: number; ow: number;
}

/** Output columns [lo, hi) whose tap at kernel column j lands inside the input (the rest read padding). */
function validCols(g: Geometry, j: number): [number, number] {
  const off = j * g.dw - g.pl;
  const lo = Math.min(g.ow, Math.max(0, Math.ceil(-off / g.sw)));
  const hi = Math.max(lo, Math.min(g.ow, Math.floor((g.w - 1 - off) / g.sw) + 1));
  return [lo, hi];
}

/**
 * Writes the columns of samples [n0, n1): cols[(n − n0)·nStride + r·rowStride + oh·ow + ow] = x[n, c, ih, iw]
 * with r = (c·kh + i)·kw + j, ih = oh·sh + i·dh − pt, iw = ow·sw + j·dw − pl, and 0 where that is padding.
 * [N, C·K, L] is nStride = C·K·L, rowStride = L; [C·K, N, L] is nStride = L, rowStride = N·L.
 */
export function im2col(g: Geometry, x: TypedArray, xo: number, n0: number, n1: number, cols: TypedArray, nStride: number, rowStride: number): void {
  const { c: C, h: H, w: W, kh, kw, sh, sw, dh, pt, oh: OH, ow: OW } = g;
  for (let j = 0; j < kw; j++) {
    const [lo, hi] = validCols(g, j);
    const off = j * g.dw - g.pl;
    for (let n = n0; n < n1; n++)
      for (let c = 0; c < C; c++) {
        const xb = xo + (n * C + c) * H * W;
        for (let i = 0; i < kh; i++) {
          const ob = (n - n0) * nStride + ((c * kh + i) * kw + j) * rowStride;
          for (let r = 0; r < OH; r++) {
            const ih = r * sh + i * dh - pt;
            const d = ob + r * OW;
            if (ih < 0 || ih >= H) {
              cols.fill(0, d, d + OW);
              continue;
            }
            const s = xb + ih * W + off;
            for (let q = 0; q < lo; q++) cols[d + q] = 0;
            if (sw === 1) for (let q = lo; q < hi; q++) cols[d + q] = x[s + q]!;
            else for (let q = lo; q < hi; q++) cols[d + q] = x[s + q * sw]!;
            for (let q = hi; q < OW; q++) cols[d + q] = 0;
          }
        }
      }
  }
}

/** The adjoint of im2col: adds every column entry into the input position it was read from (dx starts zeroed). */
export function col2im(g: Geometry, cols: TypedArray, co: number, n0: number, n1: number, nStride: number, rowStride: number, dx: TypedArray): void {
  const { c: C, h: H, w: W, kh, kw, sh, sw, dh, pt, oh: OH, ow: OW } = g;
  for (let j = 0; j < kw; j++) {
    const [lo, hi] = validCols(g, j);
    const off = j * g.dw - g.pl;
    for (let n = n0; n < n1; n++)
      for (let c = 0; c < C; c++) {
        const xb = (n * C + c) * H * W;
        for (let i = 0; i < kh; i++) {
          const ob = co + (n - n0) * nStride + ((c * kh + i) * kw + j) * rowStride;
          for (let r = 0; r < OH; r++) {
            const ih = r * sh + i * dh - pt;
            if (ih < 0 || ih >= H) continue;
            const d = ob + r * OW;
            const s = xb + ih * W + off;
            if (sw === 1) for (let q = lo; q < hi; q++) dx[s + q] = dx[s + q]! + cols[d + q]!;
            else for (let q = lo; q < hi; q++) dx[s + q * sw] = dx[s + q * sw]! + cols[d + q]!;
          }
        }
      }
  }
}
