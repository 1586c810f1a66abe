// myelin's Wasm kernels (AssemblyScript), the module entry: chunked job dispatch for the thread
// pool over gemm.ts, map.ts and reduce.ts. Built twice (relaxed-SIMD FMA and plain SIMD128) plus a
// single-threaded variant by `npm run build:wasm`; src/backend/wasm/ owns memory and threads, these
// only compute. Every pointer is a byte address in the shared linear memory; strides are in
// elements and may be negative or zero (i32 arithmetic wraps mod 2^32, as usize addition needs).

import { arg, at } from "./util";
import { MR, NR, sgemm } from "./gemm";
import { binRow, castInBytes, castOutBytes, castRow, unRow, unary2d, whereRow } from "./map";
import { reduceCols, reduceRows } from "./reduce";
import { adamRange } from "./optim";
import { maxPoolBackChunk, maxPoolChunk, reluChunk } from "./conv";
import { engineJob } from "./engine";
import { convSampleChunk } from "./conv-sample";
import { convDirectChunk } from "./conv-direct";
import { convChannelsChunk } from "./conv-channels";
import { attentionJob } from "./attention";
import { linearForwardChunk, linearGradChunk } from "./linear";
import { rnnGradW } from "./rnn-dw";
import { elmanSeqBackward, elmanSeqForward, gruSeqBackward, gruSeqForward, lstmSeqBackward, lstmSeqForward, packPanel } from "./rnn-seq";

export { gemmScratchBytes } from "./gemm";
export { convSampleScratch } from "./conv-sample";
export { convDirectScratch } from "./conv-direct";
export { convChannelsScratch } from "./conv-channels";
export { erf64 } from "./math";

// ---- thread dispatch --------------------------------------------------------------------------
// A job is split into chunks; every participating thread (the caller included) claims chunks with
// a CAS on one word holding (count << 16 | next index) until none are left, and counts each one
// finished. Because the caller claims chunks too, a worker that the OS has not scheduled (a busy
// 2-core machine) delays nothing: the caller does its chunks and only waits for chunks that were
// actually claimed. Args are read after a successful claim, so a late thread can never run a
// chunk with stale args. Word addresses are fixed by src/backend/wasm/worker-loop.ts.

const CLAIM: usize = 32768 + 5 * 4;
const FINISHED: usize = 32768 + 6 * 4;

@inline function part(total: i32, p: i32, parts: i32, align: i32): i32 {
  // Boundaries rounded to `align` so SIMD rows and 8-wide GEMM slivers stay whole.
  const chunk = (total + parts - 1) / parts;
  const c = ((chunk + align - 1) / align) * align;
  return min(total, c * p);
}

// args: 1, m, n, k, rsa, csa, rsb, csb, ldc, nbatch, table, scratch, scratch bytes per thread,
// splits per matrix, split rows (1) or columns (0). Chunk c = (batch c / splits, part c % splits).
function gemmChunk(c: i32, tid: i32, args: usize): void {
  const m = arg(args, 1), n = arg(args, 2), k = arg(args, 3);
  const rsa = arg(args, 4), csa = arg(args, 5), rsb = arg(args, 6), csb = arg(args, 7), ldc = arg(args, 8);
  const table = <usize>arg(args, 10);
  const scratch = <usize>arg(args, 11) + <usize>tid * <usize>arg(args, 12);
  const splits = arg(args, 13);
  const bi = c / splits, p = c % splits;
  let i0 = 0, i1 = m, j0 = 0, j1 = n;
  if (arg(args, 14)) {
    i0 = part(m, p, splits, MR);
    i1 = part(m, p + 1, splits, MR);
  } else {
    j0 = part(n, p, splits, NR);
    j1 = part(n, p + 1, splits, NR);
  }
  if (i0 >= i1 || j0 >= j1) return;
  const e = table + <usize>(bi * 12);
  sgemm(m, n, k, load<u32>(e), rsa, csa, load<u32>(e, 4), rsb, csb, load<u32>(e, 8), ldc, i0, i1, j0, j1, scratch);
}

// args: fn (2 binary, 3 unary, 5 where, 6 cast), op, rows, cols, x, xrs, xcs, y, yrs, ycs, out,
// z, zrs, zcs (where's condition). Chunks split rows, or columns when there are few rows.
function mapChunk(c: i32, nch: i32, args: usize): void {
  const fn = arg(args, 0), op = arg(args, 1), rows = arg(args, 2), cols = arg(args, 3);
  const x = <usize>arg(args, 4), xrs = arg(args, 5), xcs = arg(args, 6);
  const y = <usize>arg(args, 7), yrs = arg(args, 8), ycs = arg(args, 9);
  const out = <usize>arg(args, 10);
  const z = <usize>arg(args, 11), zrs = arg(args, 12), zcs = arg(args, 13);
  const xsz: usize = fn == 6 ? <usize>castInBytes(op) : 4;
  const osz: usize = fn == 6 ? <usize>castOutBytes(op) : fn == 2 && op >= 7 ? 1 : 4;
  let r0 = 0, r1 = rows, c0 = 0, c1 = cols;
  if (rows >= nch) {
    r0 = part(rows, c, nch, 1);
    r1 = part(rows, c + 1, nch, 1);
  } else {
    c0 = part(cols, c, nch, 16);
    c1 = part(cols, c + 1, nch, 16);
  }
  if (r0 >= r1 || c0 >= c1) return;
  const w = c1 - c0;
  if (fn == 3 && xcs != 1 && r1 - r0 > 1) {
    unary2d(op, r1 - r0, w, at(x, r0 * xrs + c0 * xcs), xrs, xcs, out + <usize>(r0 * cols + c0) * 4);
    return;
  }
  for (let r = r0; r < r1; r++) {
    const o = out + <usize>(r * cols + c0) * osz;
    const xr = x + <usize>(r * xrs + c0 * xcs) * xsz;
    if (fn == 2) binRow(op, w, xr, xcs, at(y, r * yrs + c0 * ycs), ycs, o);
    else if (fn == 3) unRow(op, w, xr, xcs, o);
    else if (fn == 5) whereRow(w, z + <usize>(r * zrs + c0 * zcs), zcs, xr, xcs, at(y, r * yrs + c0 * ycs), ycs, o);
    else castRow(op, w, xr, xcs, o);
  }
}

// args: 4, op, n (outputs), len (reduced), x, stride between outputs, stride along the reduction, out.
function reduceChunk(c: i32, nch: i32, args: usize): void {
  const op = arg(args, 1), n = arg(args, 2), len = arg(args, 3);
  const x = <usize>arg(args, 4), os = arg(args, 5), rstride = arg(args, 6);
  const out = <usize>arg(args, 7);
  const align = os == 1 ? 4 : 1;
  const k0 = part(n, c, nch, align), k1 = part(n, c + 1, nch, align);
  if (k0 >= k1) return;
  // Outputs adjacent in memory and a strided reduction: SIMD across outputs; else along each row.
  if (op < 4 && os == 1 && rstride != 1) reduceCols(op, k0, k1, len, x, rstride, out);
  else reduceRows(op, k0, k1, len, x, os, rstride, out);
}

// args: 7, op, nd, x, out, shape[nd], x strides[nd] (elements): a unary op over an N-d strided
// view (im2col-style unfolds that no merging makes 2-D), one row at a time, chunks over dim 0.
function unaryNdChunk(c: i32, nch: i32, args: usize): void {
  const op = arg(args, 1), nd = arg(args, 2);
  const x = <usize>arg(args, 3), out = <usize>arg(args, 4);
  const dims = args + 20;
  const n0 = load<i32>(dims);
  const i0 = part(n0, c, nch, 1), i1 = part(n0, c + 1, nch, 1);
  let per = 1;
  for (let d = 1; d < nd; d++) per *= load<i32>(dims + (<usize>d << 2));
  const s0 = load<i32>(dims + (<usize>nd << 2));
  for (let i = i0; i < i1; i++) unaryNdRec(op, 1, nd, dims, at(x, i * s0), out + (<usize>(i * per) << 2));
}

function unaryNdRec(op: i32, d: i32, nd: i32, dims: usize, x: usize, out: usize): usize {
  const n = load<i32>(dims + (<usize>d << 2));
  const s = load<i32>(dims + (<usize>(nd + d) << 2));
  if (d >= nd - 1) {
    unRow(op, n, x, s, out);
    return out + (<usize>n << 2);
  }
  for (let i = 0; i < n; i++) out = unaryNdRec(op, d + 1, nd, dims, at(x, i * s), out);
  return out;
}

// args: 8, n, p, g, m, v, out p, out m, out v, then 9 f32 hyper-parameters (see optim.ts).
function adamChunk(c: i32, nch: i32, args: usize): void {
  const n = arg(args, 1);
  const i0 = part(n, c, nch, 4), i1 = part(n, c + 1, nch, 4);
  if (i0 >= i1) return;
  const p = <usize>arg(args, 2), g = <usize>arg(args, 3), m = <usize>arg(args, 4), v = <usize>arg(args, 5);
  adamRange(i0, i1, p, g, m, v, <usize>arg(args, 6), <usize>arg(args, 7), <usize>arg(args, 8), args + 36);
}

// args: 32, k, n, dst, b, rsb, csb, b2, k2, rsb2, csb2 (pack a GEMM panel, one chunk); 33, B, T, H, reverse, gates, w, bias,
// h0, c0, save, ys, args 18-22 x, cat, I, x's strides for t and b (LSTM forward sequence) or 34, B, T, H, reverse, save, c0, gy, dh, dc, dg, w
// (backward sequence), then scratch and its bytes per chunk; 35/36 the GRU's (c0 → rec [B, 3H]
// forward; c0 → h0, dc → ys and arg 14 dgh backward), 37/38 Elman's (c0 → relu forward, save → ys and
// c0 → relu backward, save and dc unused); backward jobs then take args 14 (dgh), 15 and 16 (bias
// gradient accumulators and their bytes per chunk), 33-38 arg 17 a packed batch's int32 rows per step
// (or 0), 34 args 18, 19 gy's element strides for t and b, 20 whether h0's gradient is wanted: chunks over blocks of 4 rows (rnn-seq.ts).
function rnnSeqChunk(c: i32, nch: i32, args: usize): void {
  const fn = arg(args, 0);
  if (fn == 32) {
    packPanel(<usize>arg(args, 3), <usize>arg(args, 4), arg(args, 5), arg(args, 6), arg(args, 1), arg(args, 2), <usize>arg(args, 7), arg(args, 8), arg(args, 9), arg(args, 10));
    return;
  }
  const B = arg(args, 1), T = arg(args, 2), H = arg(args, 3), rev = arg(args, 4) != 0;
  const b0 = part(B, c, nch, 4), b1 = part(B, c + 1, nch, 4);
  if (b0 >= b1) return;
  const p5 = <usize>arg(args, 5), p6 = <usize>arg(args, 6), p7 = <usize>arg(args, 7), p8 = <usize>arg(args, 8);
  const p9 = <usize>arg(args, 9), p10 = <usize>arg(args, 10), p11 = <usize>arg(args, 11);
  const scratch = <usize>arg(args, 12) + <usize>(c * arg(args, 13));
  const acc = <usize>arg(args, 15) + <usize>(c * arg(args, 16)), dgh = <usize>arg(args, 14);
  if (fn == 33) lstmSeqForward(b0, b1, B, T, H, arg(args, 20), rev, <usize>arg(args, 18), arg(args, 21), arg(args, 22), <usize>arg(args, 19), p5, p6, p7, p8, p9, p10, p11, scratch, <usize>arg(args, 17));
  else if (fn == 34) lstmSeqBackward(b0, b1, B, T, H, rev, p5, p6, p7, p8, p9, p10, p11, scratch, acc, <usize>arg(args, 17), arg(args, 18), arg(args, 19), arg(args, 20) != 0);
  else if (fn == 35) gruSeqForward(b0, b1, B, T, H, rev, p5, p6, p7, p8, p9, p10, p11, scratch, <usize>arg(args, 17));
  else if (fn == 36) gruSeqBackward(b0, b1, B, T, H, rev, p5, p6, p7, p8, p9, p10, p11, scratch, dgh, acc, <usize>arg(args, 17));
  else if (fn == 37) elmanSeqForward(b0, b1, B, T, H, rev, p5, p6, p7, p8, p9 != 0, p11, scratch, <usize>arg(args, 17));
  else elmanSeqBackward(b0, b1, B, T, H, rev, p5, p6 != 0, p7, p8, p10, p11, scratch, acc, <usize>arg(args, 17));
}

// args: 39, m, n, depth, dg, ldg, cat, ldx, out, scratch, scratch bytes per chunk: an LSTM's dW [m, n] = dGᵀ·cat (rnn-dw.ts), chunks over blocks of 4 rows.
function rnnGradChunk(c: i32, nch: i32, args: usize): void {
  const m = arg(args, 1), i0 = part(m, c, nch, 4), i1 = part(m, c + 1, nch, 4);
  if (i0 >= i1) return;
  const scratch = <usize>arg(args, 9) + <usize>(c * arg(args, 10));
  rnnGradW(i0, i1, arg(args, 2), arg(args, 3), <usize>arg(args, 4), arg(args, 5), <usize>arg(args, 6), arg(args, 7), <usize>arg(args, 8), scratch);
}

/** Entry point for every thread: claims and runs chunks of the current job (args[0]: 1 gemm, 2 binary, 3 unary, 4 reduce, 5 where, 6 cast, 7 N-d unary, 8 Adam, 9-19 engine.ts, 20-22 conv-direct.ts, 23-26 conv.ts, 27 and 57 conv-channels.ts, 28-29 and 50 conv-sample.ts, 30 zero fill, 32-38 rnn-seq.ts, 39 rnn-dw.ts, 40-49 attention.ts, 51-52 linear.ts). */
export function run(tid: i32, args: usize): void {
  for (;;) {
    let cur: i32;
    if (ASC_FEATURE_THREADS) {
      cur = atomic.load<i32>(CLAIM);
      const nch = cur >>> 16, c = cur & 0xffff;
      if (c >= nch) return;
      if (atomic.cmpxchg<i32>(CLAIM, cur, cur + 1) != cur) continue;
    } else {
      cur = load<i32>(CLAIM);
      if ((cur & 0xffff) >= (cur >>> 16)) return;
      store<i32>(CLAIM, cur + 1);
    }
    const nch = cur >>> 16, c = cur & 0xffff;
    const fn = arg(args, 0);
    if (fn == 1) gemmChunk(c, tid, args);
    else if (fn == 4) reduceChunk(c, nch, args);
    else if (fn == 7) unaryNdChunk(c, nch, args);
    else if (fn == 8) adamChunk(c, nch, args);
    else if (fn == 23) maxPoolChunk(c, nch, args);
    else if (fn == 24) maxPoolBackChunk(c, nch, args);
    else if (fn == 25 || fn == 26) reluChunk(fn, c, nch, args);
    else if (fn == 28 || fn == 29 || fn == 50) convSampleChunk(fn, c, nch, tid, args);
    else if (fn >= 20 && fn <= 22) convDirectChunk(fn, c, nch, tid, args);
    else if (fn == 27 || fn == 57) convChannelsChunk(fn, c, nch, tid, args);
    else if (fn == 51) linearForwardChunk(c, nch, tid, args);
    else if (fn == 52) linearGradChunk(c, nch, args);
    else if (fn >= 9 && fn <= 19) engineJob(fn, c, nch, tid, args);
    else if (fn >= 32 && fn <= 38) rnnSeqChunk(c, nch, args);
    else if (fn == 39) rnnGradChunk(c, nch, args);
    else if (fn == 30) memory.fill(<usize>arg(args, 1), 0, <usize>arg(args, 2)); // zero bytes: address, count (one chunk; WasmBackend's fills)
    else if (fn >= 40 && fn <= 49) attentionJob(fn, c, nch, tid, args);
    else mapChunk(c, nch, args);
    if (ASC_FEATURE_THREADS) atomic.add<i32>(FINISHED, 1);
    else store<i32>(FINISHED, load<i32>(FINISHED) + 1);
  }
}
