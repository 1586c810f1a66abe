// The fused 2-D convolution (F.conv1d/conv2d, F.convTranspose* through its input gradient): three ops,
// each the others' gradient. conv2d: y = w ⋆ x (+ b, then ReLU if asked); conv2dInput: the adjoint in x
// (the transposed convolution); conv2dWeight: the adjoint in w. Kernels: wasm jobs, else im2col + GEMM;
// references: a sum over kernel taps of strided slices of the padded input, each a grouped matmul.

import { isGradEnabled } from "../../autograd/grad-mode.js";
import { convSampleJob } from "../../backend/wasm/conv-jobs.js";
import type { Tensor } from "../../tensor.js";
import { matmul } from "../linalg.js";
import { cat, pad, reshape, slice, stack } from "../movement.js";
import type { FusedDef, FusedKernel } from "./def.js";
import { onHost } from "./def.js";
import { col2im, fresh, im2col, wasmOf, type Geometry } from "./conv-host.js";
import { applyFused } from "./table.js";

/** stride, dilation: [rows, columns]; pad: zeros [top, bottom, left, right]; groups divide both channel counts. */
export interface ConvAttrs {
  stride: readonly [number, number];
  dilation: readonly [number, number];
  pad: readonly [number, number, number, number];
  groups: number;
}
/** keep: save the forward's columns for the weight gradient (set when the weight will get one); relu: y = relu(w ⋆ x + b), by the relu op (nn.Sequential's Conv2d, ReLU). */
type FwdAttrs = ConvAttrs & { bias: boolean; keep?: boolean; relu?: boolean; pool?: boolean };
/** pool: y's 2x2 max pool through a ReLU, made where a wasm job can, by y: maxPool2d's kernel takes it (Sequential's Conv2d → ReLU → MaxPool2d(2)). */
export const pooledOf = new WeakMap<Tensor, Tensor[]>();
/** size: the spatial size [H, W] of the input whose gradient this is (a transposed convolution's output size). */
type InAttrs = ConvAttrs & { size: readonly [number, number] };
/** kernel: the weight's spatial size [kh, kw]; bias: also the bias gradient Σ gy where a wasm job can, by gw in biasOf (not when recording a graph: it has none). */
type WAttrs = ConvAttrs & { kernel: readonly [number, number]; cols?: Tensor; bias?: boolean };
export const biasOf = new WeakMap<Tensor, Tensor>();

/** The forward's columns [N, C·K, L] by output, for the weight gradient (recomputing them costs as much as the GEMM). */
const saved = new WeakMap<Tensor, Tensor>();

/** Elements of the largest column buffer built at once (16 MiB of float32); larger batches run in chunks of samples. */
export const MAX_COLUMNS = 1 << 22;

const attrsOf = (a: ConvAttrs): ConvAttrs => ({ stride: a.stride, dilation: a.dilation, pad: a.pad, groups: a.groups });
const count = (i: number, k: number, s: number, d: number, p: number): number => Math.floor((i + p - d * (k - 1) - 1) / s) + 1;

function geometry(x: readonly number[], kernel: readonly number[], out: readonly number[] | null, a: ConvAttrs): Geometry {
  const [n, c, h, w] = x as [number, number, number, number], [kh, kw] = kernel as [number, number];
  const [sh, sw] = a.stride, [dh, dw] = a.dilation, [pt, pb, pl, pr] = a.pad;
  const oh = out?.[0] ?? count(h, kh, sh, dh, pt + pb), ow = out?.[1] ?? count(w, kw, sw, dw, pl + pr);
  return { n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow };
}

/** Sample ranges whose columns (perSample elements each) fit MAX_COLUMNS. */
function chunks(n: number, perSample: number): [number, number][] {
  const per = Math.max(1, Math.floor(MAX_COLUMNS / Math.max(1, perSample)));
  const out: [number, number][] = [];
  for (let i = 0; i < n; i += per) out.push([i, Math.min(n, i + per)]);
  return out;
}


/** x zero-padded, and its slice read by kernel tap (i, j) for an [oh, ow] output. */
function tap(xp: Tensor, g: Geometry, i: number, j: number): Tensor {
  const rows = slice(xp, 2, i * g.dh, i * g.dh + (g.oh - 1) * g.sh + 1, g.sh);
  return slice(rows, 3, j * g.dw, j * g.dw + (g.ow - 1) * g.sw + 1, g.sw);
}
const padded = (x: Tensor, a: ConvAttrs): Tensor => pad(x, [a.pad[2], a.pad[3], a.pad[0], a.pad[1]]);
/** The weight's tap (i, j) as [G, O/G, C/G]. */
const wTap = (w: Tensor, G: number, i: number, j: number): Tensor =>
  reshape(slice(slice(w, 2, i, i + 1), 3, j, j + 1), [G, w.shape[0]! / G, w.shape[1]!]);
/** torch.nn.functional.pad's list that pads dim `dim` of an n-d tensor. */
const padAt = (nd: number, dim: number, before: number, after: number): number[] =>
  Array.from({ length: 2 * (nd - dim) }, (_, k) => (k === 2 * (nd - 1 - dim) ? before : k === 2 * (nd - 1 - dim) + 1 ? after : 0));
/** Places t's dim (4-D, dim 2 or 3) every s-th element from `at` on, in a zero dim of `total`. */
function place(t: Tensor, dim: number, s: number, at: number, total: number): Tensor {
  const m = t.shape[dim]!;
  let u = t;
  if (s > 1) {
    const spread = pad(u.unsqueeze(dim + 1), padAt(5, dim + 1, 0, s - 1));
    u = slice(reshape(spread, t.shape.map((v, d) => (d === dim ? m * s : v))), dim, 0, (m - 1) * s + 1);
  }
  return pad(u, padAt(4, dim, at, total - at - u.shape[dim]!));
}

function refConv(x: Tensor, w: Tensor, b: Tensor | null, a: ConvAttrs, out: readonly number[] | null = null): Tensor {
  const g = geometry(x.shape, w.shape.slice(2), out, a), G = a.groups;
  const xp = padded(x, a);
  let y: Tensor | null = null;
  for (let i = 0; i < g.kh; i++)
    for (let j = 0; j < g.kw; j++) {
      const t = matmul(wTap(w, G, i, j), reshape(tap(xp, g, i, j), [g.n, G, g.c / G, g.oh * g.ow]));
      y = y ? y.add(t) : t;
    }
  const o = reshape(y!, [g.n, w.shape[0]!, g.oh, g.ow]);
  return b ? o.add(reshape(b, [-1, 1, 1])) : o;
}

function refInput(gy: Tensor, w: Tensor, a: InAttrs): Tensor {
  const [n, , oh, ow] = gy.shape as [number, number, number, number];
  const G = a.groups, C = w.shape[1]! * G;
  const g = geometry([n, C, ...a.size], w.shape.slice(2), [oh, ow], a);
  const [hp, wp] = [g.h + a.pad[0] + a.pad[1], g.w + a.pad[2] + a.pad[3]];
  let canvas: Tensor | null = null;
  for (let i = 0; i < g.kh; i++)
    for (let j = 0; j < g.kw; j++) {
      const t = reshape(matmul(wTap(w, G, i, j).transpose(1, 2), reshape(gy, [n, G, -1, oh * ow])), [n, C, oh, ow]);
      const p = place(place(t, 2, g.sh, i * g.dh, hp), 3, g.sw, j * g.dw, wp);
      canvas = canvas ? canvas.add(p) : p;
    }
  return slice(slice(canvas!, 2, a.pad[0], a.pad[0] + g.h), 3, a.pad[2], a.pad[2] + g.w);
}

function refWeight(x: Tensor, gy: Tensor, a: WAttrs): Tensor {
  const [n, o, oh, ow] = gy.shape as [number, number, number, number];
  const g = geometry(x.shape, a.kernel, [oh, ow], a), G = a.groups;
  const xp = padded(x, a);
  const taps: Tensor[] = [];
  for (let i = 0; i < g.kh; i++)
    for (let j = 0; j < g.kw; j++)
      taps.push(matmul(reshape(gy, [n, G, o / G, oh * ow]), reshape(tap(xp, g, i, j), [n, G, g.c / G, oh * ow]).transpose(2, 3)).sum(0));
  return reshape(stack(taps, 3), [o, g.c / G, g.kh, g.kw]);
}


const sameDtype = (xs: readonly (Tensor | undefined)[]): boolean => xs.every((t) => !t || t.dtype === xs[0]!.dtype);
/** Columns of samples [n0, n1) of x, of shape `shape`, in the layout nStride/rowStride (conv-host.ts); on the host (wasm's float32 runs wasm/conv-sample.ts). */
const columns = (x: Tensor, g: Geometry, n0: number, n1: number, shape: readonly number[], nStride: number, rowStride: number): Tensor | null =>
  onHost([x], [[shape, x.dtype]], ([xi], [c]) => im2col(g, xi!.data, xi!.off, n0, n1, c!, nStride, rowStride), false)?.[0] ?? null;

/** The image gradient [n, C, H, W] of columns [n, C·K, L] (col2im), on the host. */
function image(cols: Tensor, g: Geometry, n: number): Tensor | null {
  const shape = [n, g.c, g.h, g.w], K = g.c * g.kh * g.kw, L = g.oh * g.ow;
  return onHost([cols], [[shape, cols.dtype]], ([ci], [d]) => col2im(g, ci!.data, ci!.off, 0, n, K * L, L, d!))?.[0] ?? null;
}

const convKernel: FusedKernel<FwdAttrs> = ([x, w, b], a) => {
  if (!sameDtype([x, w, b])) return null;
  const g = geometry(x!.shape, w!.shape.slice(2), null, a), G = a.groups, O = w!.shape[0]!, be = wasmOf(x!);
  if (be && g.n > 0) {
    const y = fresh(x!, [g.n, O, g.oh, g.ow]), half = [g.n, O, g.oh >> 1, g.ow >> 1];
    const p = a.pool ? { values: fresh(x!, half), indices: fresh(x!, half, "int32"), relu: true, done: false } : null;
    convSampleJob(be, 28, g, O, G, [x!.contiguous(), w!.contiguous(), b ? b.contiguous() : null, y], a.relu, p);
    if (p?.done) pooledOf.set(y, [p.values, p.indices]);
    else if (p) [p.values, p.indices].forEach((t) => be.free(t.storage));
    return [y];
  }
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow;
  const wg = reshape(w!, [G, O / G, K / G]);
  const parts: Tensor[] = [];
  let lastCols: Tensor | null = null;
  for (const [n0, n1] of chunks(g.n, K * L)) {
    const cols = columns(x!, g, n0, n1, [n1 - n0, K, L], K * L, L);
    if (!cols) return null;
    lastCols = cols;
    parts.push(matmul(wg, reshape(cols, [n1 - n0, G, K / G, L])));
  }
  const y = reshape(parts.length === 1 ? parts[0]! : cat(parts, 0), [g.n, O, g.oh, g.ow]);
  const out = relu(b ? y.add(reshape(b, [O, 1, 1])) : y, a);
  if (a.keep && lastCols && parts.length === 1) saved.set(out, lastCols);
  return [out];
};

const inputKernel: FusedKernel<InAttrs> = ([gy, w], a) => {
  if (!sameDtype([gy, w])) return null;
  const [n, O, oh, ow] = gy!.shape as [number, number, number, number];
  const G = a.groups, C = w!.shape[1]! * G;
  const g = geometry([n, C, ...a.size], w!.shape.slice(2), [oh, ow], a);
  const K = C * g.kh * g.kw, L = oh * ow, be = wasmOf(gy!);
  if (be && n > 0) {
    const dx = fresh(gy!, [n, C, ...a.size]);
    convSampleJob(be, 29, g, O, G, [gy!.contiguous(), w!.contiguous(), dx]);
    return [dx];
  }
  const wt = reshape(w!, [G, O / G, K / G]).transpose(1, 2);
  const parts: Tensor[] = [];
  for (const [n0, n1] of chunks(n, K * L)) {
    const dx = image(matmul(wt, reshape(gy!.narrow(0, n0, n1 - n0), [n1 - n0, G, O / G, L])), g, n1 - n0);
    if (!dx) return null;
    parts.push(dx);
  }
  return [parts.length === 1 ? parts[0]! : cat(parts, 0)];
};

const weightKernel: FusedKernel<WAttrs> = ([x, gy], a) => {
  if (!sameDtype([x, gy])) return null;
  const [n, O, oh, ow] = gy!.shape as [number, number, number, number];
  const g = geometry(x!.shape, a.kernel, [oh, ow], a), G = a.groups;
  const K = g.c * g.kh * g.kw, L = oh * ow, be = wasmOf(gy!);
  if (be && n > 0) {
    // the columns again, one sample at a time in cache; one partial sum per thread (and of the bias gradient)
    const P = Math.min(n, be.getNumThreads()), parts = fresh(gy!, [P, O, g.c / G, g.kh, g.kw]), bp = a.bias ? fresh(gy!, [P, O]) : null;
    const gw = convSampleJob(be, 50, g, O, G, [x!.contiguous(), gy!.contiguous(), parts, bp]) === 1 ? reshape(parts, [O, g.c / G, g.kh, g.kw]) : parts.sum(0);
    if (bp) biasOf.set(gw, P === 1 ? reshape(bp, [O]) : bp.sum(0));
    return [gw];
  }
  if (a.cols) {
    // the forward's columns [N, C·K, L]: one GEMM per sample, summed over the batch
    const per = matmul(reshape(gy!, [n, G, O / G, L]), reshape(a.cols, [n, G, K / G, L]).transpose(2, 3));
    return [reshape(per.sum(0), [O, g.c / G, g.kh, g.kw])];
  }
  let gw: Tensor | null = null;
  for (const [n0, n1] of chunks(n, K * L)) {
    const m = n1 - n0;
    // columns [C·K, m·L] against the output gradient as [G, O/G, m·L]: one GEMM with depth m·L per group
    const cols = columns(x!, g, n0, n1, [K, m * L], L, m * L);
    if (!cols) return null;
    const gp = reshape(reshape(gy!.narrow(0, n0, m), [m, G, O / G, L]).permute(1, 2, 0, 3), [G, O / G, m * L]);
    const part = matmul(gp, reshape(cols, [G, K / G, m * L]).transpose(1, 2));
    gw = gw ? gw.add(part) : part;
  }
  return [reshape(gw!, [O, g.c / G, g.kh, g.kw])];
};


/**
 * The weight gradient, from the forward's saved columns when there are some, freed once used (5 MB a step for LeNet's
 * first layer, that would wait for a collection and make every step write cold memory); a retained graph builds them again.
 */
function weightFromSaved(x: Tensor, g: Tensor, y: Tensor, a: ConvAttrs, kernel: [number, number], bias: boolean): Tensor {
  const cols = saved.get(y);
  saved.delete(y);
  const gw = applyFused("conv2dWeight", [x, g], { ...attrsOf(a), kernel, cols, bias })[0]!;
  if (cols) cols.backend.free?.(cols.storage);
  return gw;
}

const relu = (y: Tensor, a: FwdAttrs): Tensor => (a.relu ? applyFused("relu", [y], null)[0]! : y);

export const conv2d: FusedDef<FwdAttrs> = {
  reference: ([x, w, b], a) => [relu(refConv(x!, w!, b ?? null, a), a)],
  backward: ([gy], [x, w, b], [y], a, needs, g = a.relu ? applyFused("reluBackward", [gy!, y!], null)[0]! : gy, fast = !!b && needs[2]! && !isGradEnabled(),
    gw = needs[1] ? weightFromSaved(x!, g!, y!, a, [w!.shape[2]!, w!.shape[3]!], fast) : null) => [
    needs[0] ? applyFused("conv2dInput", [g!, w!], { ...attrsOf(a), size: [x!.shape[2]!, x!.shape[3]!] })[0]! : null,
    gw,
    b && needs[2] ? ((fast && gw && biasOf.get(gw)) || g!.sum([0, 2, 3])) : null,
  ],
  kernels: { cpu: convKernel, wasm: convKernel },
};

/** The forward of a convolution as the one op, cropped to the [oh, ow] windows that `g` has (a transposed convolution's outputPadding can leave fewer). */
function convCropped(x: Tensor, w: Tensor, a: ConvAttrs, like: Tensor): Tensor {
  const y = applyFused("conv2d", [x, w], { ...attrsOf(a), bias: false })[0]!;
  return slice(slice(y, 2, 0, like.shape[2]), 3, 0, like.shape[3]);
}

export const conv2dInput: FusedDef<InAttrs> = {
  reference: ([gy, w], a) => [refInput(gy!, w!, a)],
  backward: ([g], [gy, w], _, a, needs) => [
    needs[0] ? convCropped(g!, w!, a, gy!) : null,
    needs[1] ? applyFused("conv2dWeight", [g!, gy!], { ...attrsOf(a), kernel: [w!.shape[2]!, w!.shape[3]!] })[0]! : null,
  ],
  kernels: { cpu: inputKernel, wasm: inputKernel },
};

export const conv2dWeight: FusedDef<WAttrs> = {
  reference: ([x, gy], a) => [refWeight(x!, gy!, a)],
  backward: ([g], [x, gy], _, a, needs) => [
    needs[0] ? applyFused("conv2dInput", [gy!, g!], { ...attrsOf(a), size: [x!.shape[2]!, x!.shape[3]!] })[0]! : null,
    needs[1] ? convCropped(x!, g!, a, gy!) : null,
  ],
  kernels: { cpu: weightKernel, wasm: weightKernel },
};
