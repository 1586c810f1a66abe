// Cross-entropy's row statistics (src/ops/fused/cross-entropy.ts through src/backend/wasm/loss-jobs.ts),
// job 53: per row of logits x [n, c] the max m and z = Σ_j exp(x_j − m) in f64 (summed in column
// order, as the host loop), and optionally each exp(x_j − m) rounded to f32; exp two lanes at a time.

import { expF64x2 } from "./math";

@inline function arg(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

// args: 53, n, c, x, stats (f64 [n, 2]: m, z), e (f32 [n, c], 0: none). A row whose max is not
// finite (NaN, ±inf) gets only m: the caller's host loop handles it.
export function crossEntropyRowsChunk(p: i32, nch: i32, args: usize): void {
  const n = arg(args, 1), c = arg(args, 2);
  const r0 = <i32>((<i64>n * p) / nch), r1 = <i32>((<i64>n * (p + 1)) / nch);
  const x = <usize>arg(args, 3), stats = <usize>arg(args, 4), e = <usize>arg(args, 5);
  for (let i = r0; i < r1; i++) {
    const row = x + (<usize>(i * c) << 2);
    let m: f64 = -Infinity;
    for (let j = 0; j < c; j++) m = max(m, <f64>load<f32>(row + (<usize>j << 2))); // f64.max: NaN wins
    store<f64>(stats + (<usize>i << 4), m);
    if (!isFinite(m)) continue;
    const vm = f64x2.splat(m);
    const er = e + (<usize>(i * c) << 2);
    let z: f64 = 0;
    let j = 0;
    for (; j + 4 <= c; j += 4) {
      const v = v128.load(row + (<usize>j << 2));
      const lo = expF64x2(f64x2.sub(f64x2.promote_low_f32x4(v), vm));
      const hi = expF64x2(f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), vm));
      z += f64x2.extract_lane(lo, 0);
      z += f64x2.extract_lane(lo, 1);
      z += f64x2.extract_lane(hi, 0);
      z += f64x2.extract_lane(hi, 1);
      if (e) v128.store(er + (<usize>j << 2), i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
    }
    for (; j < c; j++) {
      const ex = f64x2.extract_lane(expF64x2(f64x2.splat(<f64>load<f32>(row + (<usize>j << 2)) - m)), 0);
      z += ex;
      if (e) store<f32>(er + (<usize>j << 2), <f32>ex);
    }
    store<f64>(stats + (<usize>i << 4), z, 8);
  }
}
