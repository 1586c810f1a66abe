// Scaled dot-product attention in f32 SIMD (jobs 40 forward, 41 backward; glue in
// src/backend/wasm/attention-jobs.ts): per (batch, head) matrix the scores, mask, softmax and read-out
// in one pass over L1-resident rows, instead of two batched GEMMs around a host loop. Causal rows
// stop at the diagonal, so the masked half of the work is never done.

import { expF32x4 } from "./math";
import { layerNormJob } from "./attention-norm";
import { xentJob } from "./xent";

@inline function arg(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline function ld(p: usize, j: i32): v128 {
  return v128.load(p + (<usize>j << 2));
}

@inline function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

// A tensor descriptor in the args: batch strides [4] (elements), base address (bytes), row stride.
// Returns the byte address of batch matrix (b0, b1, b2, b3).
@inline function base(args: usize, d: i32, b0: i32, b1: i32, b2: i32, b3: i32): usize {
  const off = b0 * arg(args, d) + b1 * arg(args, d + 1) + b2 * arg(args, d + 2) + b3 * arg(args, d + 3);
  return <usize>arg(args, d + 4) + (<usize>off << 2);
}

/** [x·y₀, x·y₁, x·y₂, x·y₃] for rows y₀…y₃ at y, y + ys, … (ys in bytes), n elements each. */
@inline function dot4(x: usize, y: usize, ys: usize, n: i32): v128 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const y1 = y + ys, y2 = y1 + ys, y3 = y2 + ys;
  let e = 0;
  for (; e + 4 <= n; e += 4) {
    const xv = ld(x, e);
    a0 = fma(xv, ld(y, e), a0);
    a1 = fma(xv, ld(y1, e), a1);
    a2 = fma(xv, ld(y2, e), a2);
    a3 = fma(xv, ld(y3, e), a3);
  }
  // sum the four accumulators across lanes: 4x4 transpose-add
  const s01 = f32x4.add(i32x4.shuffle(a0, a1, 0, 4, 1, 5), i32x4.shuffle(a0, a1, 2, 6, 3, 7));
  const s23 = f32x4.add(i32x4.shuffle(a2, a3, 0, 4, 1, 5), i32x4.shuffle(a2, a3, 2, 6, 3, 7));
  let r = f32x4.add(i32x4.shuffle(s01, s23, 0, 1, 4, 5), i32x4.shuffle(s01, s23, 2, 3, 6, 7));
  for (; e < n; e++) {
    const xe = load<f32>(x + (<usize>e << 2));
    const o = <usize>e << 2;
    r = f32x4.add(r, f32x4(xe * load<f32>(y + o), xe * load<f32>(y1 + o), xe * load<f32>(y2 + o), xe * load<f32>(y3 + o)));
  }
  return r;
}

@inline function dot1(x: usize, y: usize, n: i32): f32 {
  let a = f32x4.splat(0);
  let e = 0;
  for (; e + 4 <= n; e += 4) a = fma(ld(x, e), ld(y, e), a);
  let r = hsum(a);
  for (; e < n; e++) r += load<f32>(x + (<usize>e << 2)) * load<f32>(y + (<usize>e << 2));
  return r;
}

/** out[0..n) (=|+=) Σⱼ<jn w[j]·y_j with rows y_j at y + j·ys (bytes); accumulates when add. */
function combine(out: usize, w: usize, jn: i32, y: usize, ys: usize, n: i32, add: bool): void {
  let e = 0;
  for (; e + 16 <= n; e += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let yr = y + (<usize>e << 2);
    for (let j = 0; j < jn; j++) {
      const wj = v128.load32_splat(w + (<usize>j << 2));
      a0 = fma(wj, v128.load(yr), a0);
      a1 = fma(wj, v128.load(yr, 16), a1);
      a2 = fma(wj, v128.load(yr, 32), a2);
      a3 = fma(wj, v128.load(yr, 48), a3);
      yr += ys;
    }
    const o = out + (<usize>e << 2);
    if (add) {
      a0 = f32x4.add(a0, v128.load(o));
      a1 = f32x4.add(a1, v128.load(o, 16));
      a2 = f32x4.add(a2, v128.load(o, 32));
      a3 = f32x4.add(a3, v128.load(o, 48));
    }
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
  }
  for (; e + 4 <= n; e += 4) {
    let a = f32x4.splat(0);
    let yr = y + (<usize>e << 2);
    for (let j = 0; j < jn; j++) {
      a = fma(v128.load32_splat(w + (<usize>j << 2)), v128.load(yr), a);
      yr += ys;
    }
    const o = out + (<usize>e << 2);
    v128.store(o, add ? f32x4.add(a, v128.load(o)) : a);
  }
  for (; e < n; e++) {
    let a: f32 = 0;
    for (let j = 0; j < jn; j++) a += load<f32>(w + (<usize>j << 2)) * load<f32>(y + (<usize>j * ys) + (<usize>e << 2));
    const o = out + (<usize>e << 2);
    store<f32>(o, add ? a + load<f32>(o) : a);
  }
}

/** y[0..n) += a·x[0..n). */
@inline function axpy(y: usize, a: f32, x: usize, n: i32): void {
  const av = f32x4.splat(a);
  let e = 0;
  for (; e + 4 <= n; e += 4) v128.store(y + (<usize>e << 2), fma(av, ld(x, e), ld(y, e)));
  for (; e < n; e++) store<f32>(y + (<usize>e << 2), load<f32>(y + (<usize>e << 2)) + a * load<f32>(x + (<usize>e << 2)));
}

/** s[j] = x·y_j (·scale) for j < jn, rows y_j at y + j·ys bytes. */
function rowDots(s: usize, x: usize, y: usize, ys: usize, jn: i32, n: i32, scale: f32): void {
  const sv = f32x4.splat(scale);
  let j = 0;
  for (; j + 4 <= jn; j += 4) v128.store(s + (<usize>j << 2), f32x4.mul(dot4(x, y + <usize>j * ys, ys, n), sv));
  for (; j < jn; j++) store<f32>(s + (<usize>j << 2), dot1(x, y + <usize>j * ys, n) * scale);
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
// o (39), and 45: the dropout keep-mask (f32 [nb, L, S], 0 when none), 46: 1/(1 − p) as f32 bits.
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
  for (let i = 0; i < L; i++) {
    const jn = causal ? min(S, i + 1) : S;
    const off = <usize>(bi * L + i) * <usize>S;
    const p = <usize>arg(args, 13) + (off << 2);
    rowDots(p, q + <usize>i * qs, k, ks, jn, E, scale);
    if (kind == 1) {
      const mr = mb + <usize>(i * mrs);
      for (let j = 0; j < jn; j++) if (load<u8>(mr + <usize>(j * mcs)) == 0) store<f32>(p + (<usize>j << 2), -Infinity);
    } else if (kind == 2) {
      const mr = mb + (<usize>(i * mrs) << 2);
      for (let j = 0; j < jn; j++) store<f32>(p + (<usize>j << 2), load<f32>(p + (<usize>j << 2)) + load<f32>(mr + (<usize>(j * mcs) << 2)));
    }
    // softmax over [0, jn): f32x4.max propagates NaN, and a row with every key hidden gives NaN (as torch)
    let mv = ninf;
    let j = 0;
    for (; j + 4 <= jn; j += 4) mv = f32x4.max(mv, ld(p, j));
    let mx = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < jn; j++) mx = max(mx, load<f32>(p + (<usize>j << 2)));
    const mxv = f32x4.splat(mx);
    let sv = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= jn; j += 4) {
      const x = ld(p, j);
      // exp(−∞) is exactly 0 (the kernel's clamp would leave a denormal at most)
      const e = v128.andnot(expF32x4(f32x4.sub(x, mxv)), f32x4.eq(x, ninf));
      v128.store(p + (<usize>j << 2), e);
      sv = f32x4.add(sv, e);
    }
    let sum = hsum(sv);
    for (; j < jn; j++) {
      const x = load<f32>(p + (<usize>j << 2));
      const e: f32 = x == -Infinity ? 0 : Mathf.exp(x - mx);
      store<f32>(p + (<usize>j << 2), e);
      sum += e;
    }
    const rv = f32x4.splat(<f32>1 / sum), r = <f32>1 / sum;
    j = 0;
    for (; j + 4 <= jn; j += 4) v128.store(p + (<usize>j << 2), f32x4.mul(ld(p, j), rv));
    for (; j < jn; j++) store<f32>(p + (<usize>j << 2), load<f32>(p + (<usize>j << 2)) * r);
    for (j = jn; j < S; j++) store<f32>(p + (<usize>j << 2), 0);
    let wr = p;
    if (keep) {
      // the weights that read the values: P ⊙ keep / (1 − p), into the thread's scratch row
      const kr = keep + (off << 2), iv = f32x4.splat(inv);
      j = 0;
      for (; j + 4 <= jn; j += 4) v128.store(w + (<usize>j << 2), f32x4.mul(f32x4.mul(ld(p, j), ld(kr, j)), iv));
      for (; j < jn; j++) store<f32>(w + (<usize>j << 2), load<f32>(p + (<usize>j << 2)) * load<f32>(kr + (<usize>j << 2)) * inv);
      wr = w;
    }
    combine(o + <usize>i * os, wr, jn, v, vs, Ev, false);
  }
}

// ---- job 41: backward ---------------------------------------------------------------------------
// args: 41, nb, B0..B3, L, S, E, Ev, causal, scale (f32 bits), P, gP (0: none), dq, dk, dv (contiguous
// [nb, L, E], [nb, S, E], [nb, S, Ev]), dS (0: not wanted), scratch (2·S f32 per thread), keep (0: none),
// 1/(1 − p) (f32 bits), then descriptors q (21), k (27), v (33), gO (39).
// dW = gO·vᵀ, dP = dW ⊙ keep/(1 − p) + gP, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dq = dS·k·scale,
// dk = dSᵀ·q·scale, dv = (P ⊙ keep/(1 − p))ᵀ·gO.

function backwardMatrix(args: usize, bi: i32, scratch: usize): void {
  const b0 = coord(args, bi, 0), b1 = coord(args, bi, 1), b2 = coord(args, bi, 2), b3 = coord(args, bi, 3);
  const L = arg(args, 6), S = arg(args, 7), E = arg(args, 8), Ev = arg(args, 9);
  const causal = arg(args, 10), scale = reinterpret<f32>(arg(args, 11));
  const gP = <usize>arg(args, 13), dS = <usize>arg(args, 17), keep = <usize>arg(args, 19), inv = reinterpret<f32>(arg(args, 20));
  const q = base(args, 21, b0, b1, b2, b3), qs = <usize>arg(args, 26) << 2;
  const k = base(args, 27, b0, b1, b2, b3), ks = <usize>arg(args, 32) << 2;
  const v = base(args, 33, b0, b1, b2, b3), vs = <usize>arg(args, 38) << 2;
  const g = base(args, 39, b0, b1, b2, b3), gs = <usize>arg(args, 44) << 2;
  const dq = <usize>arg(args, 14) + (<usize>(bi * L * E) << 2);
  const dk = <usize>arg(args, 15) + (<usize>(bi * S * E) << 2);
  const dv = <usize>arg(args, 16) + (<usize>(bi * S * Ev) << 2);
  memory.fill(dk, 0, <usize>(S * E) << 2);
  memory.fill(dv, 0, <usize>(S * Ev) << 2);
  const d = scratch, wk = scratch + (<usize>S << 2);
  const iv = f32x4.splat(inv);
  for (let i = 0; i < L; i++) {
    const jn = causal ? min(S, i + 1) : S;
    const off = <usize>(bi * L + i) * <usize>S;
    const p = <usize>arg(args, 12) + (off << 2);
    const gi = g + <usize>i * gs, qi = q + <usize>i * qs;
    rowDots(d, gi, v, vs, jn, Ev, 1);
    let w = p;
    if (keep) {
      const kr = keep + (off << 2);
      let j = 0;
      for (; j + 4 <= jn; j += 4) {
        const kv = f32x4.mul(ld(kr, j), iv);
        v128.store(d + (<usize>j << 2), f32x4.mul(ld(d, j), kv));
        v128.store(wk + (<usize>j << 2), f32x4.mul(ld(p, j), kv));
      }
      for (; j < jn; j++) {
        const kv = load<f32>(kr + (<usize>j << 2)) * inv;
        store<f32>(d + (<usize>j << 2), load<f32>(d + (<usize>j << 2)) * kv);
        store<f32>(wk + (<usize>j << 2), load<f32>(p + (<usize>j << 2)) * kv);
      }
      w = wk;
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
    if (dS) {
      const sr = dS + (off << 2);
      memory.copy(sr, d, <usize>jn << 2);
      if (jn < S) memory.fill(sr + (<usize>jn << 2), 0, <usize>(S - jn) << 2);
    }
    // dq_i = scale·Σⱼ dSᵢⱼ k_j; dk_j += scale·dSᵢⱼ q_i; dv_j += Wᵢⱼ gO_i
    combine(dq + (<usize>(i * E) << 2), d, jn, k, ks, E, false);
    const sv = f32x4.splat(scale);
    const dqi = dq + (<usize>(i * E) << 2);
    let e = 0;
    for (; e + 4 <= E; e += 4) v128.store(dqi + (<usize>e << 2), f32x4.mul(ld(dqi, e), sv));
    for (; e < E; e++) store<f32>(dqi + (<usize>e << 2), load<f32>(dqi + (<usize>e << 2)) * scale);
    for (j = 0; j < jn; j++) {
      axpy(dk + (<usize>(j * E) << 2), load<f32>(d + (<usize>j << 2)) * scale, qi, E);
      axpy(dv + (<usize>(j * Ev) << 2), load<f32>(w + (<usize>j << 2)), gi, Ev);
    }
  }
}

/** Chunk c of nch of job 40 or 41 (a contiguous range of the nb batch matrices, on thread tid), 42-43 (attention-norm.ts) or 44-45 (xent.ts). */
export function attentionJob(fn: i32, c: i32, nch: i32, tid: i32, args: usize): void {
  if (fn == 42 || fn == 43) {
    layerNormJob(fn, c, nch, args);
    return;
  }
  if (fn == 44 || fn == 45) {
    xentJob(fn, c, nch, args);
    return;
  }
  const nb = arg(args, 1);
  const per = (nb + nch - 1) / nch;
  const m0 = c * per, m1 = min(nb, m0 + per);
  if (fn == 40) {
    const w = <usize>arg(args, 47) + (<usize>(tid * arg(args, 7)) << 2);
    for (let bi = m0; bi < m1; bi++) forwardMatrix(args, bi, w);
  } else if (fn == 41) {
    const s = <usize>arg(args, 18) + (<usize>(tid * 2 * arg(args, 7)) << 2);
    for (let bi = m0; bi < m1; bi++) backwardMatrix(args, bi, s);
  }
}
