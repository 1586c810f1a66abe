// Cross-entropy rows in f32 SIMD for the unweighted case (jobs 44 forward, 45 backward; glue in
// src/backend/wasm/xent-jobs.ts, used by src/ops/fused/cross-entropy.ts): one pass per row of the
// logits each way, where the host loop spent most of its time in scalar Math.exp.

import { expF32x4 } from "./math";
import { arg, hsum, ld } from "./util";

/** max of row x of n, 0 when it is not finite (as the host kernel: a row of −∞ gives NaN, not a 0/0 trap). */
@inline function rowMax(x: usize, n: i32): f32 {
  let mv = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= n; j += 4) mv = f32x4.max(mv, ld(x, j));
  let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (; j < n; j++) m = max(m, load<f32>(x + (<usize>j << 2)));
  return m - m == 0 ? m : 0;
}

/** Σⱼ exp(x_j − m), storing each term at out (when out ≠ 0). */
@inline function expSum(x: usize, n: i32, m: f32, out: usize): f32 {
  const mv = f32x4.splat(m);
  let sv = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const e = expF32x4(f32x4.sub(ld(x, j), mv));
    if (out) v128.store(out + (<usize>j << 2), e);
    sv = f32x4.add(sv, e);
  }
  let s = hsum(sv);
  if (j < n) {
    // the last 1-3 columns as one more vector (the SIMD exp, not a scalar Mathf.exp each, which
    // took most of the [128, 10] rows' time); lanes past n hold exp(0) and are dropped
    const rem = n - j, at = x + (<usize>j << 2), o = out + (<usize>j << 2);
    let t = f32x4.replace_lane(mv, 0, load<f32>(at));
    if (rem > 1) t = f32x4.replace_lane(t, 1, load<f32>(at, 4));
    if (rem > 2) t = f32x4.replace_lane(t, 2, load<f32>(at, 8));
    const e = expF32x4(f32x4.sub(t, mv));
    const e0 = f32x4.extract_lane(e, 0), e1 = f32x4.extract_lane(e, 1), e2 = f32x4.extract_lane(e, 2);
    s += e0;
    if (rem > 1) s += e1;
    if (rem > 2) s += e2;
    if (out) {
      store<f32>(o, e0);
      if (rem > 1) store<f32>(o, e1, 4);
      if (rem > 2) store<f32>(o, e2, 8);
    }
  }
  return s;
}

// ---- job 44: args 44, n, c, x, t (i32), ignoreIndex, ε (f32 bits), out (f32 [n]).
// out_i = (1 − ε)·(lse_i − x_i,yᵢ) + ε·(lse_i − mean_c x_ic), 0 where yᵢ = ignoreIndex.
function forwardRows(r0: i32, r1: i32, args: usize): void {
  const c = arg(args, 2), ignore = arg(args, 5), e = reinterpret<f32>(arg(args, 6));
  for (let r = r0; r < r1; r++) {
    const y = load<i32>(<usize>arg(args, 4) + (<usize>r << 2));
    const out = <usize>arg(args, 7) + (<usize>r << 2);
    if (y == ignore) {
      store<f32>(out, 0);
      continue;
    }
    const x = <usize>arg(args, 3) + (<usize>(r * c) << 2);
    const m = rowMax(x, c);
    const lse = m + Mathf.log(expSum(x, c, m, 0));
    let loss = lse - load<f32>(x + (<usize>y << 2));
    if (e > 0) {
      let av = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= c; j += 4) av = f32x4.add(av, ld(x, j));
      let all = hsum(av);
      for (; j < c; j++) all += load<f32>(x + (<usize>j << 2));
      loss = loss * (1 - e) + (lse - all / <f32>c) * e;
    }
    store<f32>(out, loss);
  }
}

// ---- job 45: args 45, n, c, x, t (i32), ignoreIndex, ε (f32 bits), g, g stride (0: one scalar),
// factor (f32 bits), dx. dx_ij = s_i·(softmax(x_i)_j − ε/c − (1 − ε)·[j = yᵢ]) with s_i = g_i·factor;
// a zero row where yᵢ = ignoreIndex.
function backwardRows(r0: i32, r1: i32, args: usize): void {
  const c = arg(args, 2), ignore = arg(args, 5), e = reinterpret<f32>(arg(args, 6));
  const g = <usize>arg(args, 7), gst = arg(args, 8), factor = reinterpret<f32>(arg(args, 9));
  const ec = e / <f32>c;
  for (let r = r0; r < r1; r++) {
    const y = load<i32>(<usize>arg(args, 4) + (<usize>r << 2));
    const dx = <usize>arg(args, 10) + (<usize>(r * c) << 2);
    if (y == ignore) {
      memory.fill(dx, 0, <usize>c << 2);
      continue;
    }
    const x = <usize>arg(args, 3) + (<usize>(r * c) << 2);
    const s = load<f32>(g + (<usize>(r * gst) << 2)) * factor;
    const m = rowMax(x, c);
    const z = expSum(x, c, m, dx);
    const sz = s / z, sv = f32x4.splat(sz), bv = f32x4.splat(ec * s);
    let j = 0;
    for (; j + 4 <= c; j += 4) v128.store(dx + (<usize>j << 2), f32x4.sub(f32x4.mul(ld(dx, j), sv), bv));
    for (; j < c; j++) store<f32>(dx + (<usize>j << 2), load<f32>(dx + (<usize>j << 2)) * sz - ec * s);
    const at = dx + (<usize>y << 2);
    store<f32>(at, load<f32>(at) - (1 - e) * s);
  }
}

/** Chunk c of nch of job 44 or 45: a contiguous range of the rows. */
export function xentJob(fn: i32, c: i32, nch: i32, args: usize): void {
  const rows = arg(args, 1);
  const per = (rows + nch - 1) / nch;
  const r0 = min(rows, c * per), r1 = min(rows, r0 + per);
  if (fn == 44) forwardRows(r0, r1, args);
  else backwardRows(r0, r1, args);
}
