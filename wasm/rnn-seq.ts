// The fused recurrent layer's whole time loop (LSTM, GRU, Elman) in one job per direction (src/ops/fused/rnn.ts): W_hh is
// packed once into GEMM slivers, then every step's recurrence GEMM accumulates into that step's
// pre-activations and the step kernel of rnn.ts follows, all inside wasm. Batch rows are independent
// through time, so a chunk (a block of rows) runs the whole sequence with no synchronisation.

import { kernel, packA, packB } from "./gemm";
import { kernel5, packA5 } from "./gemm5x8";
import { at } from "./util";
import { elmanBackwardRows, elmanForwardRows, gruBackwardRows, gruForwardRows, lstmBackwardRows, lstmForwardRows } from "./rnn";

/**
 * Packs B [k, n] (element strides rsb, csb) into 8-column slivers of k rows each, zero-padded past n:
 * what gemm.ts's kernel reads. With k2 > 0, B2 [k2, n] (strides rsb2, csb2) follows B's rows in each
 * sliver: the packed [B; B2] of depth k + k2 (the LSTM's [W_ih | W_hh]ᵀ).
 */
export function packPanel(dst: usize, b: usize, rsb: i32, csb: i32, k: i32, n: i32, b2: usize, k2: i32, rsb2: i32, csb2: i32): void {
  if (k2 <= 0) return packB(dst, b, rsb, csb, k, n);
  for (let j = 0; j < n; j += 8, dst += <usize>((k + k2) * 32)) {
    packB(dst, b + <usize>(j * csb) * 4, rsb, csb, k, min(8, n - j));
    packB(dst + <usize>(k * 32), b2 + <usize>(j * csb2) * 4, rsb2, csb2, k2, min(8, n - j));
  }
}

/**
 * C rows [b0, b1) (+)= A rows · packed B: A [*, k] with row stride lda, C [*, n] with row stride ldc
 * (elements). The rows of A are packed into scratch: as many 5-row slivers as leave a multiple of 4
 * rows (32 = 4·5 + 3·4) for gemm5x8.ts's kernel, the rest in 4-row slivers (then a 4x8 edge tile);
 * each 8-column sliver of B stays in L1 while every row sliver passes over it.
 */
export function gemmRows(b0: i32, b1: i32, a: usize, lda: i32, pw: usize, k: i32, n: i32, c: usize, ldc: i32, acc: bool, scratch: usize): void {
  const m = b1 - b0, n4 = (4 * m) % 5, m5 = 4 * n4 <= m ? m - 4 * n4 : 0, mp = m5 + ((m - m5 + 3) & ~3);
  for (let r = 0; r < m5; r += 5) packA5(scratch + <usize>(r * k) * 4, a + <usize>((b0 + r) * lda) * 4, lda, k);
  packA(scratch + <usize>(m5 * k) * 4, a + <usize>((b0 + m5) * lda) * 4, lda, 1, m - m5, k);
  const tmp = scratch + <usize>(mp * k) * 4, lc = <usize>ldc << 2;
  for (let j = 0; j < n; j += 8) {
    const pb = pw + <usize>(j * k) * 4, nr = min(8, n - j);
    for (let r = 0; r < m; r += r < m5 ? 5 : 4) {
      const pa = scratch + <usize>(r * k) * 4, cp = c + <usize>((b0 + r) * ldc + j) * 4, mr = r < m5 ? 5 : min(4, m - r);
      if (nr == 8 && mr == 5) {
        kernel5(k, pa, pb, cp, lc, acc);
        continue;
      }
      if (nr == 8 && mr == 4) {
        kernel(k, pa, pb, 32, cp, lc, acc, 4);
        continue;
      }
      if (mr == 5) kernel5(k, pa, pb, tmp, 32, false);
      else kernel(k, pa, pb, 32, tmp, 32, false, 4);
      for (let i = 0; i < mr; i++)
        for (let q = 0; q < nr; q++) {
          const o = cp + <usize>i * lc + (<usize>q << 2), v = load<f32>(tmp + (<usize>(i * 8 + q) << 2));
          store<f32>(o, acc ? load<f32>(o) + v : v);
        }
    }
  }
}

/**
 * acc[j] += the sum over rows [b0, b1) of m[r, j], m [*, n] row-major, n a multiple of 4 (the bias
 * gradients), each column summed in row order. 32 columns (8 accumulators) walk the rows at a time,
 * so each cache line of m is read once: one column vector at a time read each line four times, and
 * rows 2 KiB apart (n = 512) share two L1 sets, so the line was gone by the next read.
 */
function addRows(acc: usize, m: usize, b0: i32, b1: i32, n: i32): void {
  let j = 0;
  for (; j + 32 <= n; j += 32) {
    const a = acc + (<usize>j << 2);
    let v0 = v128.load(a), v1 = v128.load(a, 16), v2 = v128.load(a, 32), v3 = v128.load(a, 48);
    let v4 = v128.load(a, 64), v5 = v128.load(a, 80), v6 = v128.load(a, 96), v7 = v128.load(a, 112);
    for (let r = b0; r < b1; r++) {
      const p = m + (<usize>(r * n + j) << 2);
      v0 = f32x4.add(v0, v128.load(p));
      v1 = f32x4.add(v1, v128.load(p, 16));
      v2 = f32x4.add(v2, v128.load(p, 32));
      v3 = f32x4.add(v3, v128.load(p, 48));
      v4 = f32x4.add(v4, v128.load(p, 64));
      v5 = f32x4.add(v5, v128.load(p, 80));
      v6 = f32x4.add(v6, v128.load(p, 96));
      v7 = f32x4.add(v7, v128.load(p, 112));
    }
    v128.store(a, v0);
    v128.store(a, v1, 16);
    v128.store(a, v2, 32);
    v128.store(a, v3, 48);
    v128.store(a, v4, 64);
    v128.store(a, v5, 80);
    v128.store(a, v6, 96);
    v128.store(a, v7, 112);
  }
  for (; j < n; j += 4) {
    const o = <usize>j << 2;
    let v = v128.load(acc + o);
    for (let r = b0; r < b1; r++) v = f32x4.add(v, v128.load(m + <usize>(r * n) * 4 + o));
    v128.store(acc + o, v);
  }
}

/** Bytes of gemmRows scratch for up to `rows` rows and depth k. */
export function gemmRowsScratch(rows: i32, k: i32): i32 {
  return (((rows + 3) & ~3) * k + 40) * 4;
}

/**
 * Forward rows [b0, b1) of all T steps. Each step writes the rows [x_t | h_{t−1}] of cat [T, B, I + H]
 * (x [T, B, I] with element strides xst, xsb; cat is kept for the backward's weight gradients) and one
 * GEMM with w ([W_ih | W_hh]ᵀ packed, k = I + H, n = 4H) turns them into the pre-activations gates
 * [B, 4H] (a per-step buffer): the input
 * projection rides in the recurrence GEMM, with no [T, B, 4H] buffer written and read back. Then
 * rnn.ts's step with bias [4H]. h0, c0 rows of H; save [T, B, 6H]; ys [T, B, H]. reverse runs
 * t = T − 1 down to 0. scratch: gemmRowsScratch(b1 − b0, I + H) bytes.
 * sizes: 0, or a packed batch's rows per step (see active); the other rows carry their state.
 */
export function lstmSeqForward(b0: i32, b1: i32, B: i32, T: i32, H: i32, I: i32, reverse: bool, x: usize, xst: i32, xsb: i32, cat: usize, gates: usize, w: usize, bias: usize, h0: usize, c0: usize, save: usize, ys: usize, scratch: usize, sizes: usize): void {
  const G = 4 * H, SW = 6 * H, K = I + H;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s, tp = reverse ? t + 1 : t - 1;
    const hp = s == 0 ? h0 : ys + <usize>(tp * B * H) * 4, ct = cat + <usize>(t * B * K) * 4;
    const cp = s == 0 ? c0 : save + <usize>(tp * B * SW + 4 * H) * 4, cps = s == 0 ? H : SW;
    const sv = save + <usize>(t * B * SW) * 4, y = ys + <usize>(t * B * H) * 4, e = active(sizes, t, b0, b1);
    for (let b = b0; b < b1; b++) {
      memory.copy(ct + <usize>(b * K) * 4, at(x, t * xst + b * xsb), <usize>I * 4);
      memory.copy(ct + <usize>(b * K + I) * 4, hp + <usize>(b * H) * 4, <usize>H * 4);
    }
    if (e > b0) {
      gemmRows(b0, e, ct, K, w, K, G, gates, G, false, scratch);
      lstmForwardRows(b0, e, H, gates, 0, bias, cp, cps, sv, y);
    }
    // rows whose sequence has ended (or not begun, reversed) carry h and c unchanged
    carry(y, hp, e, b1, H);
    for (let b = e; b < b1; b++) memory.copy(sv + <usize>(b * SW + 4 * H) * 4, cp + <usize>(b * cps) * 4, <usize>H * 4);
  }
}

// The end of rows [b0, b1) that step t updates: sizes (int32 [T], non-increasing: a packed batch
// sorted longest first) holds how many leading rows are still in their sequence; 0 means all.
@inline function active(sizes: usize, t: i32, b0: i32, b1: i32): i32 {
  return sizes ? max(b0, min(b1, load<i32>(sizes + (<usize>t << 2)))) : b1;
}

/**
 * Backward rows [b0, b1) of all T steps, last step first: rnn.ts's backward step (dh, dc [B, H] in
 * place, gy [T, B, H] or 0, element strides gst, gsb for t and b) writes dg [T, B, 4H], then dh = dg_t·W_hh (w: W_hh packed, k = 4H, n = H).
 * On return dh and dc hold the gradients of h0 and c0 (dh only with needH0: else the first step's GEMM is skipped). scratch: gemmRowsScratch(b1 − b0, 4H) bytes;
 * acc [4H] gets the rows' sum of dg (the bias gradient).
 */
export function lstmSeqBackward(b0: i32, b1: i32, B: i32, T: i32, H: i32, reverse: bool, save: usize, c0: usize, gy: usize, dh: usize, dc: usize, dg: usize, w: usize, scratch: usize, acc: usize, sizes: usize, gst: i32, gsb: i32, needH0: bool): void {
  const G = 4 * H, SW = 6 * H;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s, tp = reverse ? t + 1 : t - 1;
    const cp = s == 0 ? c0 : save + <usize>(tp * B * SW + 4 * H) * 4;
    const dgt = dg + <usize>(t * B * G) * 4, gyt = gy ? gy + <usize>(t * gst) * 4 : 0, e = active(sizes, t, b0, b1);
    if (e > b0) {
      lstmBackwardRows(b0, e, H, save + <usize>(t * B * SW) * 4, cp, s == 0 ? H : SW, dh, gyt, gsb, dc, dgt);
      addRows(acc, dgt, b0, e, G);
      if (s > 0 || needH0) gemmRows(b0, e, dgt, G, w, G, H, dh, H, false, scratch);
    }
    carryBack(dgt, G, dh, gyt, gsb, e, b1, H); // carried rows: dc passes unchanged
  }
}

/**
 * GRU forward rows [b0, b1) of all T steps: rec [B, 3H] = h_{t−1}·W_hhᵀ (w: k = H, n = 3H), then
 * rnn.ts's GRU step on gates [T, B, 3H] (x·W_ihᵀ) with bias [4H]; save [T, B, 4H]; ys [T, B, H].
 * sizes: 0, or a packed batch's rows per step (see active); the other rows carry h.
 */
export function gruSeqForward(b0: i32, b1: i32, B: i32, T: i32, H: i32, reverse: bool, gates: usize, w: usize, bias: usize, h0: usize, rec: usize, save: usize, ys: usize, scratch: usize, sizes: usize): void {
  const G = 3 * H, SW = 4 * H;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s, tp = reverse ? t + 1 : t - 1;
    const hp = s == 0 ? h0 : ys + <usize>(tp * B * H) * 4, y = ys + <usize>(t * B * H) * 4, e = active(sizes, t, b0, b1);
    if (e > b0) {
      gemmRows(b0, e, hp, H, w, H, G, rec, G, false, scratch);
      gruForwardRows(b0, e, H, gates + <usize>(t * B * G) * 4, rec, bias, hp, save + <usize>(t * B * SW) * 4, y);
    }
    carry(y, hp, e, b1, H);
  }
}

// Rows [e, b1) of a packed batch outside their sequence at this step: h_t = h_{t−1}.
@inline function carry(y: usize, hp: usize, e: i32, b1: i32, H: i32): void {
  for (let b = e; b < b1; b++) memory.copy(y + <usize>(b * H) * 4, hp + <usize>(b * H) * 4, <usize>H * 4);
}

// Backward of carry for rows [e, b1): no gate gradients (rows of width W zeroed in dg), dh takes the step's output gradient.
@inline function carryBack(dg: usize, W: i32, dh: usize, gy: usize, gsb: i32, e: i32, b1: i32, H: i32): void {
  for (let b = e; b < b1; b++) {
    memory.fill(dg + <usize>(b * W) * 4, 0, <usize>W * 4);
    for (let j = 0; gy && j < H; j += 4) {
      const o = <usize>(b * H + j) * 4;
      v128.store(dh + o, f32x4.add(v128.load(dh + o), v128.load(gy + <usize>(b * gsb + j) * 4)));
    }
  }
}

/** GRU backward rows [b0, b1) of all T steps into dgx and dgh [T, B, 3H], their row sums into acc [6H]; dh [B, H] ends as h0's gradient. w: W_hh packed (k = 3H, n = H). sizes as gruSeqForward. */
export function gruSeqBackward(b0: i32, b1: i32, B: i32, T: i32, H: i32, reverse: bool, save: usize, h0: usize, gy: usize, dh: usize, ys: usize, dgx: usize, w: usize, scratch: usize, dgh: usize, acc: usize, sizes: usize): void {
  const G = 3 * H, SW = 4 * H;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s, tp = reverse ? t + 1 : t - 1;
    const hp = s == 0 ? h0 : ys + <usize>(tp * B * H) * 4, o = <usize>(t * B * G) * 4;
    const gyt = gy ? gy + <usize>(t * B * H) * 4 : 0, e = active(sizes, t, b0, b1);
    if (e > b0) {
      gruBackwardRows(b0, e, H, save + <usize>(t * B * SW) * 4, hp, dh, gyt, dgx + o, dgh + o);
      addRows(acc, dgx + o, b0, e, G);
      addRows(acc + <usize>G * 4, dgh + o, b0, e, G);
      gemmRows(b0, e, dgh + o, G, w, G, H, dh, H, true, scratch);
    }
    carryBack(dgx + o, G, dh, gyt, H, e, b1, H);
    for (let b = e; b < b1; b++) memory.fill(dgh + o + <usize>(b * G) * 4, 0, <usize>G * 4);
  }
}

/** Elman forward rows [b0, b1) of all T steps: gates [T, B, H] (x·W_ihᵀ) += h_{t−1}·W_hhᵀ, then y = tanh or relu of it + bias. sizes as gruSeqForward. */
export function elmanSeqForward(b0: i32, b1: i32, B: i32, T: i32, H: i32, reverse: bool, gates: usize, w: usize, bias: usize, h0: usize, relu: bool, ys: usize, scratch: usize, sizes: usize): void {
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s, tp = reverse ? t + 1 : t - 1;
    const g = gates + <usize>(t * B * H) * 4, hp = s == 0 ? h0 : ys + <usize>(tp * B * H) * 4, y = ys + <usize>(t * B * H) * 4, e = active(sizes, t, b0, b1);
    if (e > b0) {
      gemmRows(b0, e, hp, H, w, H, H, g, H, true, scratch);
      elmanForwardRows(b0, e, H, relu, g, bias, y);
    }
    carry(y, hp, e, b1, H);
  }
}

/** Elman backward rows [b0, b1) of all T steps into dg [T, B, H], its row sums into acc [H]; dh [B, H] ends as h0's gradient. sizes as gruSeqForward. */
export function elmanSeqBackward(b0: i32, b1: i32, B: i32, T: i32, H: i32, reverse: bool, ys: usize, relu: bool, gy: usize, dh: usize, dg: usize, w: usize, scratch: usize, acc: usize, sizes: usize): void {
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s, o = <usize>(t * B * H) * 4, e = active(sizes, t, b0, b1);
    if (e > b0) {
      elmanBackwardRows(b0, e, H, relu, ys + o, dh, gy ? gy + o : 0, dg + o);
      addRows(acc, dg + o, b0, e, H);
      gemmRows(b0, e, dg + o, H, w, H, H, dh, H, false, scratch);
    }
    carryBack(dg + o, H, dh, gy ? gy + o : 0, H, e, b1, H);
  }
}
