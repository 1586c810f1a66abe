// Scaled dot-product attention in f32 SIMD (jobs 40 forward, 41 backward; glue in
// src/backend/wasm/attention-jobs.ts): per (batch, head) matrix the scores, mask, softmax and read-out
// in one pass over L1-resident rows, instead of two batched GEMMs around a host loop. Causal rows
// stop at the diagonal, so the masked half of the work is never done.

import { expF32x4 } from "./math";
import { layerNormJob } from "./attention-norm";
import { xentJob } from "./xent";
import { embeddingJob } from "./embedding";
import { arg, fma, hsum, ld, transpose4 } from "./util";

// A tensor descriptor in the args: batch strides [4] (elements), base address (bytes), row stride.
// Returns the byte address of batch matrix (b0, b1, b2, b3).
@inline function base(args: usize, d: i32, b0: i32, b1: i32, b2: i32, b3: i32): usize {
  const off = b0 * arg(args, d) + b1 * arg(args, d + 1) + b2 * arg(args, d + 2) + b3 * arg(args, d + 3);
  return <usize>arg(args, d + 4) + (<usize>off << 2);
}

// Query rows go in blocks of R: each key and value row loaded serves R queries, and dk, dv take
// one read-modify-write per block instead of one per query row.
const R: i32 = 8;

/** S rounded up to 8: the row length (floats) of the thread's transposed k/v and score blocks. */
@inline function pad8(s: i32): i32 {
  return (s + 7) & ~7;
}

/** Floats of per-thread scratch of jobs 40 and 41: kᵀ or vᵀ (E·S8, Ev·S8) and two max(L, R)·S8 blocks. */
@inline function scratchFloats(L: i32, S: i32, E: i32, Ev: i32): i32 {
  return (E + Ev + 2 * max(L, R)) * pad8(S);
}

/** dst[c][r] (rows of ld floats, zero past `rows`) = row r of src (rows rs bytes apart)[c], c < cols. */
function packT(dst: usize, src: usize, rs: usize, rows: i32, cols: i32, lds: i32): void {
  if (rows < lds) memory.fill(dst, 0, <usize>(cols * lds) << 2);
  const step = <usize>lds << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const s0 = src + <usize>r * rs, s1 = s0 + rs, s2 = s1 + rs, s3 = s2 + rs;
    let c = 0;
    for (; c + 4 <= cols; c += 4) transpose4(dst + (<usize>(c * lds + r) << 2), ld(s0, c), ld(s1, c), ld(s2, c), ld(s3, c), step);
    for (; c < cols; c++) {
      const d = dst + (<usize>(c * lds + r) << 2), o = <usize>c << 2;
      store<f32>(d, load<f32>(s0 + o));
      store<f32>(d, load<f32>(s1 + o), 4);
      store<f32>(d, load<f32>(s2 + o), 8);
      store<f32>(d, load<f32>(s3 + o), 12);
    }
  }
  for (; r < rows; r++) for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>(c * lds + r) << 2), load<f32>(src + <usize>r * rs + (<usize>c << 2)));
}

/** One row of a tile's result: out (=|+=) scale·acc. */
@inline function put(o: usize, acc: v128, sv: v128, add: bool): void {
  const r = f32x4.mul(acc, sv);
  v128.store(o, add ? f32x4.add(r, v128.load(o)) : r);
}

/**
 * out[i][c] (= or +=) scale·Σ_p A[i][p]·B[p][c] for i < m, c < n, p < kk: A's element (i, p) at
 * a + i·ars + p·acs, B's row p at b + p·bs, out's row i at o + i·os (bytes; B and out unit-stride).
 * 4x8 register tiles as the GEMM's microkernel, reading A by splat loads (no packing).
 */
function mm(m: i32, n: i32, kk: i32, a: usize, ars: usize, acs: usize, b: usize, bs: usize, o: usize, os: usize, scale: f32, add: bool): void {
  const sv = f32x4.splat(scale);
  for (let i = 0; i < m; i += 4) {
    const rows = min(4, m - i);
    const a0 = a + <usize>i * ars;
    const a1 = rows > 1 ? a0 + ars : a0, a2 = rows > 2 ? a0 + 2 * ars : a0, a3 = rows > 3 ? a0 + 3 * ars : a0;
    const o0 = o + <usize>i * os;
    let c = 0;
    for (; c + 8 <= n; c += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let bp = b + (<usize>c << 2), pa: usize = 0;
      for (let p = 0; p < kk; p++) {
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        let x = v128.load32_splat(a0 + pa);
        c00 = fma(x, b0, c00);
        c01 = fma(x, b1, c01);
        x = v128.load32_splat(a1 + pa);
        c10 = fma(x, b0, c10);
        c11 = fma(x, b1, c11);
        x = v128.load32_splat(a2 + pa);
        c20 = fma(x, b0, c20);
        c21 = fma(x, b1, c21);
        x = v128.load32_splat(a3 + pa);
        c30 = fma(x, b0, c30);
        c31 = fma(x, b1, c31);
        bp += bs;
        pa += acs;
      }
      const oc = o0 + (<usize>c << 2);
      put(oc, c00, sv, add);
      put(oc + 16, c01, sv, add);
      if (rows > 1) {
        put(oc + os, c10, sv, add);
        put(oc + os + 16, c11, sv, add);
      }
      if (rows > 2) {
        put(oc + 2 * os, c20, sv, add);
        put(oc + 2 * os + 16, c21, sv, add);
      }
      if (rows > 3) {
        put(oc + 3 * os, c30, sv, add);
        put(oc + 3 * os + 16, c31, sv, add);
      }
    }
    for (; c + 4 <= n; c += 4) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let bp = b + (<usize>c << 2), pa: usize = 0;
      for (let p = 0; p < kk; p++) {
        const b0 = v128.load(bp);
        c0 = fma(v128.load32_splat(a0 + pa), b0, c0);
        c1 = fma(v128.load32_splat(a1 + pa), b0, c1);
        c2 = fma(v128.load32_splat(a2 + pa), b0, c2);
        c3 = fma(v128.load32_splat(a3 + pa), b0, c3);
        bp += bs;
        pa += acs;
      }
      const oc = o0 + (<usize>c << 2);
      put(oc, c0, sv, add);
      if (rows > 1) put(oc + os, c1, sv, add);
      if (rows > 2) put(oc + 2 * os, c2, sv, add);
      if (rows > 3) put(oc + 3 * os, c3, sv, add);
    }
    for (; c < n; c++) {
      for (let r = 0; r < rows; r++) {
        const ar = a0 + <usize>r * ars;
        let acc: f32 = 0;
        for (let p = 0; p < kk; p++) acc += load<f32>(ar + <usize>p * acs) * load<f32>(b + <usize>p * bs + (<usize>c << 2));
        const q = o0 + <usize>r * os + (<usize>c << 2);
        store<f32>(q, add ? load<f32>(q) + acc * scale : acc * scale);
      }
    }
  }
}

// Decomposes the flat batch index into the four batch coordinates (args 2-5: the batch shape).
@inline function coord(args: usize, bi: i32, d: i32): i32 {
  let r = bi;
  for (let q = 5; q > 2 + d; q--) r /= arg(args, q);
  return r % arg(args, 2 + d);
}

// ---- job 40: forward ----------------------------------------------------------------------------
// args: 40, nb, B0..B3, L, S, E, Ev, causal, mask kind (0 none, 1 bool u8, 2 f32), scale (f32 bits),
// P (contiguous [nb, L, S]), mask column stride, then descriptors q (15), k (21), v (27), mask (33),
// o (39), and 45: the dropout keep-mask (f32 [nb, L, S], 0 when none), 46: 1/(1 − p) as f32 bits,
// 47: scratch (scratchFloats f32 per thread).
// P = softmax(q·kᵀ·scale + mask) row by row; o = (P ⊙ keep·1/(1 − p))·v.

function forwardMatrix(args: usize, bi: i32, w: usize): void {
  const b0 = coord(args, bi, 0), b1 = coord(args, bi, 1), b2 = coord(args, bi, 2), b3 = coord(args, bi, 3);
  const L = arg(args, 6), S = arg(args, 7), E = arg(args, 8), Ev = arg(args, 9);
  const causal = arg(args, 10), kind = arg(args, 11), scale = reinterpret<f32>(arg(args, 12));
  const mcs = arg(args, 14);
  const q = base(args, 15, b0, b1, b2, b3), qs = <usize>arg(args, 20) << 2;
  const k = base(args, 21, b0, b1, b2, b3), ks = <usize>arg(args, 26) << 2;
  const v = base(args, 27, b0, b1, b2, b3), vs = <usize>arg(args, 32) << 2;
  const mb: usize = kind == 0 ? 0 : (kind == 1 ? <usize>arg(args, 37) + <usize>(b0 * arg(args, 33) + b1 * arg(args, 34) + b2 * arg(args, 35) + b3 * arg(args, 36)) : base(args, 33, b0, b1, b2, b3));
  const mrs = arg(args, 38);
  const o = base(args, 39, b0, b1, b2, b3), os = <usize>arg(args, 44) << 2;
  const keep = <usize>arg(args, 45), inv = reinterpret<f32>(arg(args, 46));
  const ninf = f32x4.splat(-Infinity);
  // scratch: kᵀ [E][S8], the block's scores [R][S8], its dropped-out weights [R][S8]
  const S8 = pad8(S), ld8 = <usize>S8 << 2;
  const kT = w, sc = kT + <usize>E * ld8, wb = sc + <usize>R * ld8;
  packT(kT, k, ks, S, E, S8);
  const P = <usize>arg(args, 13) + (<usize>(bi * L) * <usize>S << 2);
  for (let i0 = 0; i0 < L; i0 += R) {
    const rn = min(R, L - i0);
    const jb = causal ? min(S, i0 + rn) : S; // keys any row of the block sees
    mm(rn, jb, E, q + <usize>i0 * qs, qs, 4, kT, ld8, sc, ld8, scale, false);
    for (let r = 0; r < rn; r++) {
      const i = i0 + r;
      const jn = causal ? min(S, i + 1) : S;
      const p = P + (<usize>(i * S) << 2), x = sc + <usize>r * ld8;
      if (kind == 1) {
        const mr = mb + <usize>(i * mrs);
        for (let j = 0; j < jn; j++) if (load<u8>(mr + <usize>(j * mcs)) == 0) store<f32>(x + (<usize>j << 2), -Infinity);
      } else if (kind == 2) {
        const mr = mb + (<usize>(i * mrs) << 2);
        for (let j = 0; j < jn; j++) store<f32>(x + (<usize>j << 2), load<f32>(x + (<usize>j << 2)) + load<f32>(mr + (<usize>(j * mcs) << 2)));
      }
      // softmax over [0, jn) in whole vectors (the row padded with −∞ to j4 ≤ S8): f32x4.max
      // propagates NaN, and a row with every key hidden gives NaN (as torch)
      const j4 = (jn + 3) & ~3;
      for (let j = jn; j < j4; j++) store<f32>(x + (<usize>j << 2), -Infinity);
      let mv = ninf;
      for (let j = 0; j < j4; j += 4) mv = f32x4.max(mv, ld(x, j));
      const mx = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
      const mxv = f32x4.splat(mx);
      let sv = f32x4.splat(0);
      for (let j = 0; j < j4; j += 4) {
        const xv = ld(x, j);
        // exp(−∞) is exactly 0 (the kernel's clamp would leave a denormal at most)
        const e = v128.andnot(expF32x4(f32x4.sub(xv, mxv)), f32x4.eq(xv, ninf));
        v128.store(x + (<usize>j << 2), e);
        sv = f32x4.add(sv, e);
      }
      const rv = f32x4.splat(<f32>1 / hsum(sv));
      const jv = j4 <= S ? j4 : jn & ~3; // whole vectors that fit in P's row (lanes past jn are 0)
      let j = 0;
      for (; j < jv; j += 4) v128.store(p + (<usize>j << 2), f32x4.mul(ld(x, j), rv));
      for (; j < jn; j++) store<f32>(p + (<usize>j << 2), load<f32>(x + (<usize>j << 2)) * f32x4.extract_lane(rv, 0));
      if (j < S) memory.fill(p + (<usize>j << 2), 0, <usize>(S - j) << 2);
      if (keep) {
        // the weights that read the values: P ⊙ keep / (1 − p), zero past the row's last key
        const kr = keep + (<usize>((bi * L + i) * S) << 2), wr = wb + <usize>r * ld8, iv = f32x4.splat(inv);
        j = 0;
        for (; j + 4 <= jn; j += 4) v128.store(wr + (<usize>j << 2), f32x4.mul(f32x4.mul(ld(p, j), ld(kr, j)), iv));
        for (; j < jn; j++) store<f32>(wr + (<usize>j << 2), load<f32>(p + (<usize>j << 2)) * load<f32>(kr + (<usize>j << 2)) * inv);
        if (jn < jb) memory.fill(wr + (<usize>jn << 2), 0, <usize>(jb - jn) << 2);
      }
    }
    // o[block] = W[block, :jb]·v[:jb] (W: P's rows, or the dropped-out ones)
    const wr = keep ? wb : P + (<usize>(i0 * S) << 2), wrs: usize = keep ? ld8 : <usize>S << 2;
    mm(rn, Ev, jb, wr, wrs, 4, v, vs, o + <usize>i0 * os, os, 1, false);
  }
}

// ---- job 41: backward ---------------------------------------------------------------------------
// args: 41, nb, B0..B3, L, S, E, Ev, causal, scale (f32 bits), P, gP (0: none), dS (0: not wanted),
// scratch (scratchFloats f32 per thread), keep (0: none), 1/(1 − p) (f32 bits), then descriptors q (18),
// k (24), v (30), gO (36), and of the outputs dq (42), dk (48), dv (54) (any batch and row strides).
// dW = gO·vᵀ, dP = dW ⊙ keep/(1 − p) + gP, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dq = dS·k·scale,
// dk = dSᵀ·q·scale, dv = (P ⊙ keep/(1 − p))ᵀ·gO.

function backwardMatrix(args: usize, bi: i32, scratch: usize): void {
  const b0 = coord(args, bi, 0), b1 = coord(args, bi, 1), b2 = coord(args, bi, 2), b3 = coord(args, bi, 3);
  const L = arg(args, 6), S = arg(args, 7), E = arg(args, 8), Ev = arg(args, 9);
  const causal = arg(args, 10), scale = reinterpret<f32>(arg(args, 11));
  const gP = <usize>arg(args, 13), dS = <usize>arg(args, 14), keep = <usize>arg(args, 16), inv = reinterpret<f32>(arg(args, 17));
  const q = base(args, 18, b0, b1, b2, b3), qs = <usize>arg(args, 23) << 2;
  const k = base(args, 24, b0, b1, b2, b3), ks = <usize>arg(args, 29) << 2;
  const v = base(args, 30, b0, b1, b2, b3), vs = <usize>arg(args, 35) << 2;
  const g = base(args, 36, b0, b1, b2, b3), gs = <usize>arg(args, 41) << 2;
  const dq = base(args, 42, b0, b1, b2, b3), dqs = <usize>arg(args, 47) << 2;
  const dk = base(args, 48, b0, b1, b2, b3), dks = <usize>arg(args, 53) << 2;
  const dv = base(args, 54, b0, b1, b2, b3), dvs = <usize>arg(args, 59) << 2;
  // scratch: vᵀ [Ev][S8], dP then dS [L][S8], the dropped-out weights [L][S8] (rows zero past their last key)
  const S8 = pad8(S), ld8 = <usize>S8 << 2;
  const vT = scratch, dSf = vT + <usize>Ev * ld8, wf = dSf + <usize>L * ld8;
  packT(vT, v, vs, S, Ev, S8);
  const P = <usize>arg(args, 12) + (<usize>(bi * L) * <usize>S << 2);
  const iv = f32x4.splat(inv);
  for (let i0 = 0; i0 < L; i0 += R) {
    const rn = min(R, L - i0);
    const jb = causal ? min(S, i0 + rn) : S;
    const gi = g + <usize>i0 * gs, db = dSf + <usize>i0 * ld8;
    mm(rn, jb, Ev, gi, gs, 4, vT, ld8, db, ld8, 1, false); // dW = gO·vᵀ
    for (let r = 0; r < rn; r++) {
      const i = i0 + r;
      const jn = causal ? min(S, i + 1) : S;
      const off = <usize>(bi * L + i) * <usize>S;
      const p = P + (<usize>(i * S) << 2), d = db + <usize>r * ld8;
      if (keep) {
        const kr = keep + (off << 2), wr = wf + <usize>i * ld8;
        let j = 0;
        for (; j + 4 <= jn; j += 4) {
          const kv = f32x4.mul(ld(kr, j), iv);
          v128.store(d + (<usize>j << 2), f32x4.mul(ld(d, j), kv));
          v128.store(wr + (<usize>j << 2), f32x4.mul(ld(p, j), kv));
        }
        for (; j < jn; j++) {
          const kv = load<f32>(kr + (<usize>j << 2)) * inv;
          store<f32>(d + (<usize>j << 2), load<f32>(d + (<usize>j << 2)) * kv);
          store<f32>(wr + (<usize>j << 2), load<f32>(p + (<usize>j << 2)) * kv);
        }
        memory.fill(wr + (<usize>jn << 2), 0, <usize>(S8 - jn) << 2);
      }
      if (gP) {
        const gr = gP + (off << 2);
        for (let j = 0; j < jn; j++) store<f32>(d + (<usize>j << 2), load<f32>(d + (<usize>j << 2)) + load<f32>(gr + (<usize>j << 2)));
      }
      let dv4 = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= jn; j += 4) dv4 = fma(ld(p, j), ld(d, j), dv4);
      let delta = hsum(dv4);
      for (; j < jn; j++) delta += load<f32>(p + (<usize>j << 2)) * load<f32>(d + (<usize>j << 2));
      const dl = f32x4.splat(delta);
      j = 0;
      for (; j + 4 <= jn; j += 4) v128.store(d + (<usize>j << 2), f32x4.mul(ld(p, j), f32x4.sub(ld(d, j), dl)));
      for (; j < jn; j++) store<f32>(d + (<usize>j << 2), load<f32>(p + (<usize>j << 2)) * (load<f32>(d + (<usize>j << 2)) - delta));
      memory.fill(d + (<usize>jn << 2), 0, <usize>(S8 - jn) << 2); // keys past the row's diagonal
      if (dS) {
        const sr = dS + (off << 2);
        memory.copy(sr, d, <usize>jn << 2);
        if (jn < S) memory.fill(sr + (<usize>jn << 2), 0, <usize>(S - jn) << 2);
      }
    }
    // dq[block] = scale·dS[block]·k
    mm(rn, E, jb, db, ld8, 4, k, ks, dq + <usize>i0 * dqs, dqs, scale, false);
  }
  // dk = scale·dSᵀ·q and dv = Wᵀ·gO, 4 keys at a time over the query rows that see them
  const wsrc = keep ? wf : P, wrs: usize = keep ? ld8 : <usize>S << 2;
  for (let j0 = 0; j0 < S; j0 += 4) {
    const mj = min(4, S - j0), i1 = causal ? min(j0, L) : 0;
    mm(mj, E, L - i1, dSf + <usize>i1 * ld8 + (<usize>j0 << 2), 4, ld8, q + <usize>i1 * qs, qs, dk + <usize>j0 * dks, dks, scale, false);
    mm(mj, Ev, L - i1, wsrc + <usize>i1 * wrs + (<usize>j0 << 2), 4, wrs, g + <usize>i1 * gs, gs, dv + <usize>j0 * dvs, dvs, 1, false);
  }
}

/** Chunk c of nch of job 40 or 41 (a contiguous range of the nb batch matrices, on thread tid), 42-43 (attention-norm.ts), 44-45 (xent.ts) or 46-47 (embedding.ts). */
export function attentionJob(fn: i32, c: i32, nch: i32, tid: i32, args: usize): void {
  if (fn == 42 || fn == 43) {
    layerNormJob(fn, c, nch, args);
    return;
  }
  if (fn == 44 || fn == 45) {
    xentJob(fn, c, nch, args);
    return;
  }
  if (fn == 46 || fn == 47) {
    embeddingJob(fn, c, nch, args);
    return;
  }
  const nb = arg(args, 1);
  const per = (nb + nch - 1) / nch;
  const m0 = c * per, m1 = min(nb, m0 + per);
  if (fn == 40) {
    const w = <usize>arg(args, 47) + (<usize>(tid * scratchFloats(arg(args, 6), arg(args, 7), arg(args, 8), arg(args, 9))) << 2);
    for (let bi = m0; bi < m1; bi++) forwardMatrix(args, bi, w);
  } else if (fn == 41) {
    const s = <usize>arg(args, 15) + (<usize>(tid * scratchFloats(arg(args, 6), arg(args, 7), arg(args, 8), arg(args, 9))) << 2);
    for (let bi = m0; bi < m1; bi++) backwardMatrix(args, bi, s);
  }
}
