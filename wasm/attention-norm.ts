// LayerNorm rows in f32 SIMD for the Transformer blocks (jobs 42 forward, 43 backward; glue in
// src/backend/wasm/attention-jobs.ts, used by src/ops/fused/layer-norm.ts): one pass per row each
// way instead of a host loop forward and a dozen tensor ops backward.

import { arg, hsum, ld } from "./util";

/** Mean and 1/√(σ² + ε) (biased σ², two passes) of row x of n elements. */
// Two vector accumulators per sum (even and odd 4-float groups, added at the end): one chain of adds
// per row was latency-bound (a 128-float row: 32 dependent adds a pass).
@inline function moments(x: usize, n: i32, eps: f32): v128 {
  let s = f32x4.splat(0), t = s;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    s = f32x4.add(s, ld(x, j));
    t = f32x4.add(t, ld(x, j + 4));
  }
  for (; j + 4 <= n; j += 4) s = f32x4.add(s, ld(x, j));
  let sum = hsum(f32x4.add(s, t));
  for (; j < n; j++) sum += load<f32>(x + (<usize>j << 2));
  const mean = sum / <f32>n;
  const mv = f32x4.splat(mean);
  let q = f32x4.splat(0), u = q;
  for (j = 0; j + 8 <= n; j += 8) {
    const d = f32x4.sub(ld(x, j), mv), e = f32x4.sub(ld(x, j + 4), mv);
    q = f32x4.add(q, f32x4.mul(d, d));
    u = f32x4.add(u, f32x4.mul(e, e));
  }
  for (; j + 4 <= n; j += 4) {
    const d = f32x4.sub(ld(x, j), mv);
    q = f32x4.add(q, f32x4.mul(d, d));
  }
  let v = hsum(f32x4.add(q, u));
  for (; j < n; j++) {
    const d = load<f32>(x + (<usize>j << 2)) - mean;
    v += d * d;
  }
  return f32x4(mean, <f32>1 / Mathf.sqrt(v / <f32>n + eps), 0, 0);
}

// ---- job 42: forward. args: 42, rows, n, x, w (0: none), b (0: none), y, ε (f32 bits); contiguous rows.
function forwardRows(r0: i32, r1: i32, args: usize): void {
  const n = arg(args, 2);
  const w = <usize>arg(args, 4), b = <usize>arg(args, 5), eps = reinterpret<f32>(arg(args, 7));
  for (let r = r0; r < r1; r++) {
    const x = <usize>arg(args, 3) + (<usize>(r * n) << 2), y = <usize>arg(args, 6) + (<usize>(r * n) << 2);
    const m = moments(x, n, eps);
    const mean = f32x4.extract_lane(m, 0), rstd = f32x4.extract_lane(m, 1);
    const mv = f32x4.splat(mean), rv = f32x4.splat(rstd);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let o = f32x4.mul(f32x4.sub(ld(x, j), mv), rv);
      if (w) o = f32x4.mul(o, ld(w, j));
      if (b) o = f32x4.add(o, ld(b, j));
      v128.store(y + (<usize>j << 2), o);
    }
    for (; j < n; j++) {
      let o = (load<f32>(x + (<usize>j << 2)) - mean) * rstd;
      if (w) o *= load<f32>(w + (<usize>j << 2));
      if (b) o += load<f32>(b + (<usize>j << 2));
      store<f32>(y + (<usize>j << 2), o);
    }
  }
}

// ---- job 43: backward. args: 43, rows, n, g, x, w (0: none), dx, ε (f32 bits), dw partials, db
// partials (0: not wanted; chunk c adds its rows' g·x̂ and g into row c of [chunks, n]).
// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = g·w.
function backwardRows(c: i32, r0: i32, r1: i32, args: usize): void {
  const n = arg(args, 2);
  const w = <usize>arg(args, 5), eps = reinterpret<f32>(arg(args, 7));
  const dwp = arg(args, 8) ? <usize>arg(args, 8) + (<usize>(c * n) << 2) : 0;
  const dbp = arg(args, 9) ? <usize>arg(args, 9) + (<usize>(c * n) << 2) : 0;
  if (dwp) memory.fill(dwp, 0, <usize>n << 2);
  if (dbp) memory.fill(dbp, 0, <usize>n << 2);
  for (let r = r0; r < r1; r++) {
    const off = <usize>(r * n) << 2;
    const g = <usize>arg(args, 3) + off, x = <usize>arg(args, 4) + off, dx = <usize>arg(args, 6) + off;
    const m = moments(x, n, eps);
    const mean = f32x4.extract_lane(m, 0), rstd = f32x4.extract_lane(m, 1);
    const mv = f32x4.splat(mean), rv = f32x4.splat(rstd);
    // pass 1: Σĝ and Σĝ·x̂ (and the affine gradients)
    // (two accumulators per sum, even and odd 4-float groups, as in moments)
    let s1 = f32x4.splat(0), s2 = s1, t1 = s1, t2 = s1;
    let j = 0;
    for (; j + 4 <= n; j += 8) {
      const xh = f32x4.mul(f32x4.sub(ld(x, j), mv), rv);
      const gv = ld(g, j);
      const gh = w ? f32x4.mul(gv, ld(w, j)) : gv;
      s1 = f32x4.add(s1, gh);
      s2 = f32x4.add(s2, f32x4.mul(gh, xh));
      if (dwp) v128.store(dwp + (<usize>j << 2), f32x4.add(ld(dwp, j), f32x4.mul(gv, xh)));
      if (dbp) v128.store(dbp + (<usize>j << 2), f32x4.add(ld(dbp, j), gv));
      if (j + 8 > n) {
        j += 4;
        break;
      }
      const k = j + 4;
      const xh2 = f32x4.mul(f32x4.sub(ld(x, k), mv), rv);
      const gv2 = ld(g, k);
      const gh2 = w ? f32x4.mul(gv2, ld(w, k)) : gv2;
      t1 = f32x4.add(t1, gh2);
      t2 = f32x4.add(t2, f32x4.mul(gh2, xh2));
      if (dwp) v128.store(dwp + (<usize>k << 2), f32x4.add(ld(dwp, k), f32x4.mul(gv2, xh2)));
      if (dbp) v128.store(dbp + (<usize>k << 2), f32x4.add(ld(dbp, k), gv2));
    }
    let a = hsum(f32x4.add(s1, t1)), bsum = hsum(f32x4.add(s2, t2));
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const xh = (load<f32>(x + o) - mean) * rstd;
      const gv = load<f32>(g + o);
      const gh = w ? gv * load<f32>(w + o) : gv;
      a += gh;
      bsum += gh * xh;
      if (dwp) store<f32>(dwp + o, load<f32>(dwp + o) + gv * xh);
      if (dbp) store<f32>(dbp + o, load<f32>(dbp + o) + gv);
    }
    const ma = a / <f32>n, mb = bsum / <f32>n;
    const mav = f32x4.splat(ma), mbv = f32x4.splat(mb);
    // pass 2: dx
    for (j = 0; j + 4 <= n; j += 4) {
      const xh = f32x4.mul(f32x4.sub(ld(x, j), mv), rv);
      const gv = ld(g, j);
      const gh = w ? f32x4.mul(gv, ld(w, j)) : gv;
      v128.store(dx + (<usize>j << 2), f32x4.mul(rv, f32x4.sub(f32x4.sub(gh, mav), f32x4.mul(xh, mbv))));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const xh = (load<f32>(x + o) - mean) * rstd;
      const gv = load<f32>(g + o);
      const gh = w ? gv * load<f32>(w + o) : gv;
      store<f32>(dx + o, rstd * (gh - ma - xh * mb));
    }
  }
}

/** Chunk c of nch of job 42 or 43: a contiguous range of the rows. */
export function layerNormJob(fn: i32, c: i32, nch: i32, args: usize): void {
  const rows = arg(args, 1);
  const per = (rows + nch - 1) / nch;
  const r0 = min(rows, c * per), r1 = min(rows, r0 + per);
  if (fn == 42) forwardRows(r0, r1, args);
  else backwardRows(c, r0, r1, args);
}
