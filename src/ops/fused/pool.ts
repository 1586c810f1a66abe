// 2-D max pooling as one op (F.maxPool1d/2d): the values and the flat input position h·W + w of each
// window's maximum (torch's indices: the first maximum, NaN wins), and a backward that scatters the
// gradient to those positions: one pass each instead of the composite's window matmuls and masks.

import type { Tensor } from "../../tensor.js";
import { tensor } from "../creation.js";
import { gather, scatterAddNew } from "../indexing.js";
import { pad, reshape, slice, stack } from "../movement.js";
import { maxPoolBackJob, maxPoolJob } from "../../backend/wasm/conv-jobs.js";
import { fresh, wasmOf } from "./conv-host.js";
import { pooledOf } from "./conv.js";
import { hostKernels, onHost, type FusedDef } from "./def.js";
import { applyFused } from "./table.js";

/** kernel, stride, dilation [rows, columns]; pad [top, left] (−∞ there); out: the output size (ceil mode can overhang the input); relu: values through a ReLU. */
export interface PoolAttrs {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  dilation: readonly [number, number];
  pad: readonly [number, number];
  out: readonly [number, number];
  relu?: boolean;
}

/** Flat input position of tap (i, j) of window (r, s), or −1 where that tap reads padding. */
function position(a: PoolAttrs, h: number, w: number, r: number, s: number, i: number, j: number): number {
  const ih = r * a.stride[0] - a.pad[0] + i * a.dilation[0], iw = s * a.stride[1] - a.pad[1] + j * a.dilation[1];
  return ih < 0 || ih >= h || iw < 0 || iw >= w ? -1 : ih * w + iw;
}

function reference(x: Tensor, a: PoolAttrs): [Tensor, Tensor] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = a.out, [kh, kw] = a.kernel;
  const span = (o: number, k: number, d: number, s: number): number => (o - 1) * s + (k - 1) * d + 1;
  const xp = pad(x, [a.pad[1], Math.max(0, span(ow, kw, a.dilation[1], a.stride[1]) - w - a.pad[1]),
    a.pad[0], Math.max(0, span(oh, kh, a.dilation[0], a.stride[0]) - h - a.pad[0])], -Infinity);
  const taps: Tensor[] = [];
  const table = new Int32Array(oh * ow * kh * kw);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++) {
      const rows = slice(xp, 2, i * a.dilation[0], i * a.dilation[0] + (oh - 1) * a.stride[0] + 1, a.stride[0]);
      taps.push(slice(rows, 3, j * a.dilation[1], j * a.dilation[1] + (ow - 1) * a.stride[1] + 1, a.stride[1]));
      for (let r = 0; r < oh; r++) for (let s = 0; s < ow; s++) table[(r * ow + s) * kh * kw + i * kw + j] = position(a, h, w, r, s, i, j);
    }
  const [values, arg] = stack(taps, 4).max(-1);
  const where = tensor(table, { shape: [1, 1, oh, ow, kh * kw], dtype: "int32", device: x.device }).expand([n, c, oh, ow, kh * kw]);
  return [values, gather(where, 4, arg.unsqueeze(-1)).squeeze(-1)];
}

// relu: max and ReLU commute bit for bit (Sequential's ReLU → MaxPool2d): the ReLU and its mask run on the pooled tensor
const relu = ([v, i]: Tensor[], a: PoolAttrs): Tensor[] => (a.relu ? [applyFused("relu", [v!], null)[0]!, i!] : [v!, i!]);

export const maxPool2d: FusedDef<PoolAttrs> = {
  reference: ([x], a) => relu(reference(x!, a), a),
  backward: ([g], [x], [v, idx], a) => [g ? applyFused("maxPool2dBackward", [a.relu ? applyFused("reluBackward", [g, v!], null)[0]! : g, idx!], { size: [x!.shape[2]!, x!.shape[3]!] })[0]! : null],
  kernels: hostKernels(([x], a) => {
    const [n, c, h, w] = x!.shape as [number, number, number, number];
    const [oh, ow] = a.out, [kh, kw] = a.kernel, [sh, sw] = a.stride, [dh, dw] = a.dilation, [pt, pl] = a.pad, shape = [n, c, oh, ow];
    const be = wasmOf(x!), made = pooledOf.get(x!);
    // the convolution that made x pooled it already (conv.ts: pool), as this op would: 2x2 at stride 2 with the ReLU
    if (made && pooledOf.delete(x!) && a.relu && [...a.kernel, ...a.stride, ...a.pad, ...a.dilation].join() === "2,2,2,2,0,0,1,1" && 2 * oh === h && 2 * ow === w) return made;
    if (be) {
      const xc = x!.contiguous(), v = fresh(x!, shape), ix = fresh(x!, shape, "int32");
      if (v.numel > 0) maxPoolJob(be, [h, w, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl], n * c, xc.storage, xc.offset, v.storage, ix.storage, a.relu);
      return [v, ix];
    }
    const host = onHost([x!], [[shape, x!.dtype], [shape, "int32"]], ([xi], [v, ix]) => {
      const xd = xi!.data;
      let e = 0;
      for (let q = 0; q < n * c; q++) {
        const xb = xi!.off + q * h * w;
        for (let r = 0; r < oh; r++)
          for (let s = 0; s < ow; s++, e++) {
            let best = -Infinity, at = -1;
            for (let i = 0; i < kh; i++) {
              const ih = r * sh - pt + i * dh;
              if (ih < 0 || ih >= h) continue;
              for (let j = 0; j < kw; j++) {
                const iw = s * sw - pl + j * dw;
                if (iw < 0 || iw >= w) continue;
                const val = xd[xb + ih * w + iw]!;
                // torch's rule: a larger value or a NaN takes over; the first in-bounds tap starts
                if (val > best || val !== val || at < 0) { best = val; at = ih * w + iw; }
              }
            }
            v![e] = best; ix![e] = at;
          }
      }
    }, false);
    return host && relu(host, a);
  }),
};

/** The gradient of maxPool2d: g [N, C, oh, ow] added at the flat positions idx of an input of size [H, W]. */
export const maxPool2dBackward: FusedDef<{ size: readonly [number, number] }> = {
  reference: ([g, idx], { size }) => {
    const [n, c] = g!.shape as [number, number];
    return [reshape(scatterAddNew([n, c, size[0] * size[1]], 2, reshape(idx!, [n, c, -1]), reshape(g!, [n, c, -1])), [n, c, ...size])];
  },
  backward: ([gg], [g, idx]) => {
    const [n, c] = g!.shape as [number, number];
    return [reshape(gather(reshape(gg!, [n, c, -1]), 2, reshape(idx!, [n, c, -1])), g!.shape), null];
  },
  kernels: hostKernels(([g, idx], { size }) => {
    const [n, c] = g!.shape as [number, number];
    const hw = size[0] * size[1], l = g!.numel / Math.max(1, n * c);
    const be = wasmOf(g!);
    if (be && idx!.dtype === "int32") {
      const gc = g!.contiguous(), ic = idx!.contiguous(), dx = fresh(g!, [n, c, ...size]);
      if (n * c > 0) maxPoolBackJob(be, n * c, hw, l, gc.storage, gc.offset, ic.storage, ic.offset, dx.storage, size[1], g!.shape[3]!);
      return [dx];
    }
    return onHost([g!, idx!], [[[n, c, ...size], g!.dtype]], ([gi, ii], [dx]) => {
      for (let q = 0; q < n * c; q++)
        for (let e = q * l; e < (q + 1) * l; e++) {
          const at = ii!.data[ii!.off + e]!;
          if (at >= 0) dx![q * hw + at] = dx![q * hw + at]! + gi!.data[gi!.off + e]!;
        }
    });
  }),
};

