// f32 reductions for myelin's Wasm backend, along rows (contiguous or strided) or across
// contiguous columns (SIMD over outputs).

import { at } from "./util";

// ---- reductions -------------------------------------------------------------------------------
// op 0 sum 1 prod 2 max 3 min (4 argmax 5 argmin: indices, along rows only). Sums and products accumulate in f64 (two f64x2 lanes per f32x4), so
// long rows stay accurate without torch's cascade; max/min are exact in f32 and propagate NaN.

@inline function hsumF64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** out[r] = reduce_c x[r*rs + c*cs] for r in [r0, r1); ops 4 argmax and 5 argmin write i32 indices. */
export function reduceRows(op: i32, r0: i32, r1: i32, cols: i32, x: usize, rs: i32, cs: i32, out: usize): void {
  if (op >= 4) {
    // the first extreme; a NaN wins at once and ends the row (torch.argmax / argmin)
    for (let r = r0; r < r1; r++) {
      const p = at(x, r * rs);
      let best = load<f32>(p);
      let bi = 0;
      for (let j = 1; j < cols && best == best; j++) {
        const v = load<f32>(at(p, j * cs));
        if (v != v || (op == 4 ? v > best : v < best)) {
          best = v;
          bi = j;
        }
      }
      store<i32>(out + (<usize>r << 2), bi);
    }
    return;
  }
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
        // pmax/pmin are single instructions (f32x4.max/min are long NaN-exact sequences in V8);
        // NaN is tracked on the side and wins at the end, as in torch.amax.
        let v0 = v128.load(p), v1 = v0;
        let nan = f32x4.ne(v0, v0);
        for (j = 4; j + 8 <= cols; j += 8) {
          const w0 = v128.load(p + (<usize>j << 2));
          const w1 = v128.load(p + (<usize>j << 2), 16);
          v0 = op == 2 ? f32x4.pmax(v0, w0) : f32x4.pmin(v0, w0);
          v1 = op == 2 ? f32x4.pmax(v1, w1) : f32x4.pmin(v1, w1);
          nan = v128.or(nan, v128.or(f32x4.ne(w0, w0), f32x4.ne(w1, w1)));
        }
        for (; j + 4 <= cols; j += 4) {
          const w = v128.load(p + (<usize>j << 2));
          v0 = op == 2 ? f32x4.pmax(v0, w) : f32x4.pmin(v0, w);
          nan = v128.or(nan, f32x4.ne(w, w));
        }
        const v = op == 2 ? f32x4.pmax(v0, v1) : f32x4.pmin(v0, v1);
        const a = op == 2 ? f32x4.pmax(v, i32x4.shuffle(v, v, 2, 3, 0, 1)) : f32x4.pmin(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
        const b = op == 2 ? f32x4.pmax(a, i32x4.shuffle(a, a, 1, 0, 3, 2)) : f32x4.pmin(a, i32x4.shuffle(a, a, 1, 0, 3, 2));
        m = v128.any_true(nan) ? NaN : f32x4.extract_lane(b, 0);
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

/**
 * out[c] = reduce_r x[r*rs + c] for c in [c0, c1): contiguous columns, SIMD across them, 16 columns
 * (one cache line) per pass over the rows so every line fetched is used whole.
 */
export function reduceCols(op: i32, c0: i32, c1: i32, rows: i32, x: usize, rs: i32, out: usize): void {
  let c = c0;
  for (; c + 16 <= c1; c += 16) {
    const p = at(x, c);
    const o = out + (<usize>c << 2);
    if (op <= 1) {
      // eight f64x2 accumulators: sums and products of f32 in f64, rounded once
      let a0 = f64x2.splat(op == 0 ? 0 : 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      for (let r = 0; r < rows; r++) {
        const q = at(p, r * rs);
        const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
        const l0 = f64x2.promote_low_f32x4(v0), h0 = f64x2.promote_low_f32x4(i32x4.shuffle(v0, v0, 2, 3, 0, 1));
        const l1 = f64x2.promote_low_f32x4(v1), h1 = f64x2.promote_low_f32x4(i32x4.shuffle(v1, v1, 2, 3, 0, 1));
        const l2 = f64x2.promote_low_f32x4(v2), h2 = f64x2.promote_low_f32x4(i32x4.shuffle(v2, v2, 2, 3, 0, 1));
        const l3 = f64x2.promote_low_f32x4(v3), h3 = f64x2.promote_low_f32x4(i32x4.shuffle(v3, v3, 2, 3, 0, 1));
        if (op == 0) {
          a0 = f64x2.add(a0, l0); a1 = f64x2.add(a1, h0); a2 = f64x2.add(a2, l1); a3 = f64x2.add(a3, h1);
          a4 = f64x2.add(a4, l2); a5 = f64x2.add(a5, h2); a6 = f64x2.add(a6, l3); a7 = f64x2.add(a7, h3);
        } else {
          a0 = f64x2.mul(a0, l0); a1 = f64x2.mul(a1, h0); a2 = f64x2.mul(a2, l1); a3 = f64x2.mul(a3, h1);
          a4 = f64x2.mul(a4, l2); a5 = f64x2.mul(a5, h2); a6 = f64x2.mul(a6, l3); a7 = f64x2.mul(a7, h3);
        }
      }
      v128.store(o, i32x4.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
      v128.store(o, i32x4.shuffle(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 4, 5), 16);
      v128.store(o, i32x4.shuffle(f32x4.demote_f64x2_zero(a4), f32x4.demote_f64x2_zero(a5), 0, 1, 4, 5), 32);
      v128.store(o, i32x4.shuffle(f32x4.demote_f64x2_zero(a6), f32x4.demote_f64x2_zero(a7), 0, 1, 4, 5), 48);
    } else {
      let m0 = v128.load(p), m1 = v128.load(p, 16), m2 = v128.load(p, 32), m3 = v128.load(p, 48);
      let n0 = f32x4.ne(m0, m0), n1 = f32x4.ne(m1, m1), n2 = f32x4.ne(m2, m2), n3 = f32x4.ne(m3, m3);
      for (let r = 1; r < rows; r++) {
        const q = at(p, r * rs);
        const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
        m0 = op == 2 ? f32x4.pmax(m0, v0) : f32x4.pmin(m0, v0);
        m1 = op == 2 ? f32x4.pmax(m1, v1) : f32x4.pmin(m1, v1);
        m2 = op == 2 ? f32x4.pmax(m2, v2) : f32x4.pmin(m2, v2);
        m3 = op == 2 ? f32x4.pmax(m3, v3) : f32x4.pmin(m3, v3);
        n0 = v128.or(n0, f32x4.ne(v0, v0));
        n1 = v128.or(n1, f32x4.ne(v1, v1));
        n2 = v128.or(n2, f32x4.ne(v2, v2));
        n3 = v128.or(n3, f32x4.ne(v3, v3));
      }
      // lanes that saw a NaN become NaN (torch.amax propagates it)
      const qnan = f32x4.splat(NaN);
      v128.store(o, v128.bitselect(qnan, m0, n0));
      v128.store(o, v128.bitselect(qnan, m1, n1), 16);
      v128.store(o, v128.bitselect(qnan, m2, n2), 32);
      v128.store(o, v128.bitselect(qnan, m3, n3), 48);
    }
  }
  for (; c < c1; c++) reduceRows(op, 0, 1, rows, at(x, c), 0, rs, out + (<usize>c << 2));
}
