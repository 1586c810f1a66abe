// f32 reductions for myelin's Wasm backend, along rows (contiguous or strided) or across
// contiguous columns (SIMD over outputs).

import { at } from "./util";

// ---- reductions -------------------------------------------------------------------------------
// op 0 sum 1 prod 2 max 3 min. Sums and products accumulate in f64 (two f64x2 lanes per f32x4), so
// long rows stay accurate without torch's cascade; max/min are exact in f32 and propagate NaN.

@inline function hsumF64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** out[r] = reduce_c x[r*rs + c*cs] for r in [r0, r1). */
export function reduceRows(op: i32, r0: i32, r1: i32, cols: i32, x: usize, rs: i32, cs: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const p = at(x, r * rs);
    let j = 0;
    let res: f32;
    if (op == 0 || op == 1) {
      let acc: f64 = op == 0 ? 0 : 1;
      if (op == 0 && cs == 1) {
        let lo = f64x2.splat(0), hi = f64x2.splat(0);
        for (; j + 4 <= cols; j += 4) {
          const v = v128.load(p + (<usize>j << 2));
          lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
          hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
        }
        acc = hsumF64(f64x2.add(lo, hi));
      }
      if (op == 0) for (; j < cols; j++) acc += <f64>load<f32>(at(p, j * cs));
      else for (; j < cols; j++) acc *= <f64>load<f32>(at(p, j * cs));
      res = <f32>acc;
    } else {
      let m = load<f32>(p);
      if (cs == 1 && cols >= 4) {
        let v = v128.load(p);
        for (j = 4; j + 4 <= cols; j += 4) {
          const w = v128.load(p + (<usize>j << 2));
          v = op == 2 ? f32x4.max(v, w) : f32x4.min(v, w);
        }
        const a = op == 2 ? f32x4.max(v, i32x4.shuffle(v, v, 2, 3, 0, 1)) : f32x4.min(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
        const b = op == 2 ? f32x4.max(a, i32x4.shuffle(a, a, 1, 0, 3, 2)) : f32x4.min(a, i32x4.shuffle(a, a, 1, 0, 3, 2));
        m = f32x4.extract_lane(b, 0);
      }
      for (; j < cols; j++) {
        const w = load<f32>(at(p, j * cs));
        m = op == 2 ? max<f32>(m, w) : min<f32>(m, w);
      }
      res = m;
    }
    store<f32>(out + (<usize>r << 2), res);
  }
}

/** out[c] = reduce_r x[r*rs + c] for c in [c0, c1): contiguous columns, SIMD across them. */
export function reduceCols(op: i32, c0: i32, c1: i32, rows: i32, x: usize, rs: i32, out: usize): void {
  let c = c0;
  for (; c + 4 <= c1; c += 4) {
    const p = at(x, c);
    if (op <= 1) {
      let lo = f64x2.splat(op == 0 ? 0 : 1), hi = lo;
      for (let r = 0; r < rows; r++) {
        const v = v128.load(at(p, r * rs));
        const vl = f64x2.promote_low_f32x4(v);
        const vh = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
        lo = op == 0 ? f64x2.add(lo, vl) : f64x2.mul(lo, vl);
        hi = op == 0 ? f64x2.add(hi, vh) : f64x2.mul(hi, vh);
      }
      const a = f32x4.demote_f64x2_zero(lo);
      const b = f32x4.demote_f64x2_zero(hi);
      v128.store(out + (<usize>c << 2), i32x4.shuffle(a, b, 0, 1, 4, 5));
    } else {
      let m = v128.load(p);
      for (let r = 1; r < rows; r++) {
        const v = v128.load(at(p, r * rs));
        m = op == 2 ? f32x4.max(m, v) : f32x4.min(m, v);
      }
      v128.store(out + (<usize>c << 2), m);
    }
  }
  for (; c < c1; c++) reduceRows(op, 0, 1, rows, at(x, c), 0, rs, out + (<usize>c << 2));
}
