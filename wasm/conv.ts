// CNN kernels: one plane's im2col and its adjoint col2im (the loops of src/ops/fused/conv-host.ts,
// with SIMD runs; conv-sample.ts runs them per sample), max pooling with torch's indices and its
// backward (jobs 23-24), ReLU and its backward (25-26). src/backend/wasm/conv-jobs.ts packs the args.

import { arg } from "./util";

@inline function part(total: i32, p: i32, parts: i32): i32 {
  return min(total, ((total + parts - 1) / parts) * p);
}

// Output columns [lo, hi) whose tap at offset `off` (j·dw − pl) lands in [0, w).
@inline function lowCol(off: i32, sw: i32, ow: i32): i32 {
  // ⌈−off / sw⌉ for any sign of off
  const q = -off > 0 ? (-off + sw - 1) / sw : 0;
  return min(ow, q);
}
@inline function highCol(off: i32, sw: i32, ow: i32, w: i32, lo: i32): i32 {
  const last = w - 1 - off;
  const hi = last < 0 ? 0 : last / sw + 1;
  return max(lo, min(ow, hi));
}

/**
 * im2col (fn 20) or col2im (21, adding into a zeroed plane) of one input plane xb of channel ch,
 * against the columns of its sample from cs (rows of rowStride floats); the geometry is args[2..14].
 */
export function convPlane(fn: i32, args: usize, xb: usize, ch: i32, cs: usize, rowStride: i32): void {
  const h = arg(args, 3), w = arg(args, 4), kh = arg(args, 5), kw = arg(args, 6);
  const sh = arg(args, 7), sw = arg(args, 8), dh = arg(args, 9), dw = arg(args, 10), pt = arg(args, 11), pl = arg(args, 12);
  const oh = arg(args, 13), ow = arg(args, 14);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++) {
      const off = j * dw - pl;
      const lo = lowCol(off, sw, ow), hi = highCol(off, sw, ow, w, lo);
      const ob = cs + (<usize>(((ch * kh + i) * kw + j) * rowStride) << 2);
      for (let r = 0; r < oh; r++) {
        const ih = r * sh + i * dh - pt;
        const d = ob + (<usize>(r * ow) << 2);
        if (ih < 0 || ih >= h) {
          if (fn == 20) zeros(d, ow);
          continue;
        }
        const s = xb + (<usize>(ih * w + off) << 2); // input element of output column 0 (may lie before the row)
        if (fn == 20) im2colRow(d, s, lo, hi, ow, sw);
        else col2imRow(d, s, lo, hi, sw);
      }
    }
}

// Zeros n floats at d: stores for the few padding columns of a row (memory.fill is a call).
@inline function zeros(d: usize, n: i32): void {
  if (n > 16) {
    memory.fill(d, 0, <usize>n << 2);
    return;
  }
  let q = 0;
  for (; q + 4 <= n; q += 4) v128.store(d + (<usize>q << 2), f32x4.splat(0));
  for (; q < n; q++) store<f32>(d + (<usize>q << 2), 0);
}

@inline function im2colRow(d: usize, s: usize, lo: i32, hi: i32, ow: i32, sw: i32): void {
  if (lo > 0) zeros(d, lo);
  if (sw == 1) {
    let q = lo;
    for (; q + 4 <= hi; q += 4) v128.store(d + (<usize>q << 2), v128.load(s + (<usize>q << 2)));
    // the last partial vector again from hi − 4 (overlapping the copied part: same values)
    if (q < hi && hi - lo >= 4) v128.store(d + (<usize>(hi - 4) << 2), v128.load(s + (<usize>(hi - 4) << 2)));
    else for (; q < hi; q++) store<f32>(d + (<usize>q << 2), load<f32>(s + (<usize>q << 2)));
  } else {
    for (let q = lo; q < hi; q++) store<f32>(d + (<usize>q << 2), load<f32>(s + (<usize>(q * sw) << 2)));
  }
  if (hi < ow) zeros(d + (<usize>hi << 2), ow - hi);
}

@inline function col2imRow(d: usize, s: usize, lo: i32, hi: i32, sw: i32): void {
  if (sw == 1) {
    let q = lo;
    for (; q + 4 <= hi; q += 4) {
      const a = s + (<usize>q << 2);
      v128.store(a, f32x4.add(v128.load(a), v128.load(d + (<usize>q << 2))));
    }
    for (; q < hi; q++) {
      const a = s + (<usize>q << 2);
      store<f32>(a, load<f32>(a) + load<f32>(d + (<usize>q << 2)));
    }
  } else {
    for (let q = lo; q < hi; q++) {
      const a = s + (<usize>(q * sw) << 2);
      store<f32>(a, load<f32>(a) + load<f32>(d + (<usize>q << 2)));
    }
  }
}

/**
 * The bias gradient's partial of the weight-gradient jobs (22, 50, 57; arg 22, 0: none asked):
 * chunk p's row of [chunks, o] gets Σ over its samples of each plane of gy [o, l] at gs (zeroed
 * with the first sample).
 */
export function biasRows(bias: usize, p: i32, o: i32, gs: usize, l: i32, first: bool): void {
  if (!bias) return;
  const row = bias + (<usize>(p * o) << 2);
  for (let q = 0; q < o; q++) {
    const pl = gs + (<usize>(q * l) << 2);
    let v = f32x4.splat(0), t: f32 = 0, i = 0;
    for (; i + 4 <= l; i += 4) v = f32x4.add(v, v128.load(pl + (<usize>i << 2)));
    for (; i < l; i++) t += load<f32>(pl + (<usize>i << 2));
    const sum = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3) + t;
    const d = row + (<usize>q << 2);
    store<f32>(d, first ? sum : load<f32>(d) + sum);
  }
}

/** row[0:l] += b, then (relu) row = max(row, 0) as job 25. */
export function addToRow(row: usize, l: i32, b: f32, relu: bool): void {
  const vb = f32x4.splat(b), zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= l; i += 4) {
    const v = f32x4.add(v128.load(row + (<usize>i << 2)), vb);
    v128.store(row + (<usize>i << 2), relu ? v128.andnot(v, f32x4.le(v, zero)) : v);
  }
  for (; i < l; i++) {
    const v = load<f32>(row + (<usize>i << 2)) + b;
    store<f32>(row + (<usize>i << 2), relu && v <= 0 ? 0 : v);
  }
}

// args: 23, planes, h, w, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl, x, values, indices, relu. Max pooling:
// per window the first in-bounds tap starts, a larger value or a NaN takes over (torch's rule);
// relu (1): the values go through a ReLU (max and ReLU commute: nn.Sequential's ReLU → MaxPool2d).
export function maxPoolChunk(p: i32, nch: i32, args: usize): void {
  const planes = arg(args, 1), h = arg(args, 2), w = arg(args, 3), oh = arg(args, 4), ow = arg(args, 5);
  const kh = arg(args, 6), kw = arg(args, 7), sh = arg(args, 8), sw = arg(args, 9), dh = arg(args, 10), dw = arg(args, 11);
  const pt = arg(args, 12), pl = arg(args, 13);
  const x = <usize>arg(args, 14), vals = <usize>arg(args, 15), idx = <usize>arg(args, 16), relu = arg(args, 17) != 0;
  const q0 = part(planes, p, nch), q1 = part(planes, p + 1, nch);
  // 2x2 windows inside the input (LeNet's, VGG's): no bounds checks, taps unrolled
  if (kh == 2 && kw == 2 && dh == 1 && dw == 1 && pt == 0 && pl == 0 && (oh - 1) * sh + 2 <= h && (ow - 1) * sw + 2 <= w) {
    for (let q = q0; q < q1; q++) {
      if (sh == 2 && sw == 2) maxPool2x2s2(x + (<usize>(q * h * w) << 2), w, oh, ow, vals, idx, q * oh * ow, relu);
      else maxPool2x2(x + (<usize>(q * h * w) << 2), w, oh, ow, sh, sw, vals, idx, q * oh * ow, relu);
    }
    return;
  }
  for (let q = q0; q < q1; q++) {
    const xb = x + (<usize>(q * h * w) << 2);
    let e = q * oh * ow;
    for (let r = 0; r < oh; r++)
      for (let s = 0; s < ow; s++, e++) {
        let best: f32 = -Infinity, at = -1;
        for (let i = 0; i < kh; i++) {
          const ih = r * sh - pt + i * dh;
          if (ih < 0 || ih >= h) continue;
          for (let j = 0; j < kw; j++) {
            const iw = s * sw - pl + j * dw;
            if (iw < 0 || iw >= w) continue;
            const v = load<f32>(xb + (<usize>(ih * w + iw) << 2));
            if (v > best || v != v || at < 0) {
              best = v;
              at = ih * w + iw;
            }
          }
        }
        store<f32>(vals + (<usize>e << 2), relu && best <= 0 ? 0 : best);
        store<i32>(idx + (<usize>e << 2), at);
      }
  }
}

// (v, at) of a tap replace (best, where) per lane where v > best or v is NaN: torch's rule, branch-free.
@inline function takeOver(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
}

// 2x2 windows at stride 2: four outputs per step from two 8-float row loads split into even and
// odd columns; selects instead of branches (random data mispredicts every other compare). The
// direct convolution jobs call it on each output plane while it is in cache (poolPlanes).
export function maxPool2x2s2(xb: usize, w: i32, oh: i32, ow: i32, vals: usize, idx: usize, e0: i32, relu: bool): void {
  const wb = <usize>w << 2;
  const lanes = i32x4(0, 2, 4, 6);
  const one = i32x4.splat(1);
  for (let r = 0; r < oh; r++) {
    const row = xb + (<usize>(2 * r * w) << 2);
    // a last group of fewer than 4 windows is the 4 ending there again (same values, no branchy tail)
    let s = 0;
    for (; ow >= 4; s = min(s + 4, ow - 4)) {
      const e = e0 + r * ow + s, a = row + (<usize>(2 * s) << 2);
      const t0 = v128.load(a), t1 = v128.load(a, 16), u0 = v128.load(a + wb), u1 = v128.load(a + wb, 16);
      let best = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
      let at = i32x4.add(i32x4.splat(2 * r * w + 2 * s), lanes);
      let v = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
      let m = takeOver(v, best);
      best = v128.bitselect(v, best, m);
      at = v128.bitselect(i32x4.add(at, one), at, m);
      v = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6);
      m = takeOver(v, best);
      best = v128.bitselect(v, best, m);
      const base2 = i32x4.add(i32x4.splat(2 * r * w + 2 * s + w), lanes);
      at = v128.bitselect(base2, at, m);
      v = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7);
      m = takeOver(v, best);
      const top = v128.bitselect(v, best, m);
      // x where not (x ≤ 0), as job 25
      v128.store(vals + (<usize>e << 2), relu ? v128.andnot(top, f32x4.le(top, f32x4.splat(0))) : top);
      v128.store(idx + (<usize>e << 2), v128.bitselect(i32x4.add(base2, one), at, m));
      if (s + 4 >= ow) {
        s = ow;
        break;
      }
    }
    for (let e = e0 + r * ow + s; s < ow; s++, e++) {
      const at0 = 2 * r * w + 2 * s;
      const a = xb + (<usize>at0 << 2);
      let best = load<f32>(a), at = at0;
      const v1 = load<f32>(a, 4);
      if (v1 > best || v1 != v1) { best = v1; at = at0 + 1; }
      const v2 = load<f32>(a + wb);
      if (v2 > best || v2 != v2) { best = v2; at = at0 + w; }
      const v3 = load<f32>(a + wb, 4);
      if (v3 > best || v3 != v3) { best = v3; at = at0 + w + 1; }
      store<f32>(vals + (<usize>e << 2), relu && best <= 0 ? 0 : best);
      store<i32>(idx + (<usize>e << 2), at);
    }
  }
}

/**
 * The 2x2 stride-2 max pool (values through a ReLU where asked, and indices; job 23's outputs) of
 * `planes` [oh, ow] planes at y, planes numbered from q0 in the outputs; args 24-26: values,
 * indices (0: none asked) and the ReLU flag. For the convolution jobs 20 and 27 (Sequential's
 * Conv2d → ReLU → MaxPool2d(2)).
 */
export function poolPlanes(args: usize, y: usize, planes: i32, oh: i32, ow: i32, q0: i32): void {
  const vals = <usize>arg(args, 24), idx = <usize>arg(args, 25), relu = arg(args, 26) != 0;
  if (!vals) return;
  const ph = oh >> 1, pw = ow >> 1;
  for (let q = 0; q < planes; q++) maxPool2x2s2(y + (<usize>(q * oh * ow) << 2), ow, ph, pw, vals, idx, (q0 + q) * ph * pw, relu);
}

function maxPool2x2(xb: usize, w: i32, oh: i32, ow: i32, sh: i32, sw: i32, vals: usize, idx: usize, e0: i32, relu: bool): void {
  let e = e0;
  for (let r = 0; r < oh; r++)
    for (let s = 0; s < ow; s++, e++) {
      const at0 = r * sh * w + s * sw;
      const a = xb + (<usize>at0 << 2);
      let best = load<f32>(a), at = at0;
      const v1 = load<f32>(a, 4);
      if (v1 > best || v1 != v1) { best = v1; at = at0 + 1; }
      const v2 = load<f32>(a + (<usize>w << 2));
      if (v2 > best || v2 != v2) { best = v2; at = at0 + w; }
      const v3 = load<f32>(a + (<usize>w << 2), 4);
      if (v3 > best || v3 != v3) { best = v3; at = at0 + w + 1; }
      store<f32>(vals + (<usize>e << 2), relu && best <= 0 ? 0 : best);
      store<i32>(idx + (<usize>e << 2), at);
    }
}

// args: 24, planes, hw, l, g, indices, dx, w, ow: dx (planes × hw, zeroed here) += g at the indices
// (planes of w columns; g's of ow).
export function maxPoolBackChunk(p: i32, nch: i32, args: usize): void {
  const planes = arg(args, 1), hw = arg(args, 2), l = arg(args, 3);
  const g = <usize>arg(args, 4), idx = <usize>arg(args, 5), dx = <usize>arg(args, 6);
  const w = arg(args, 7), ow = arg(args, 8), oh = ow > 0 ? l / ow : 0;
  // 2x2 windows at stride 2 tiling the plane (LeNet's): each input element is written once
  const tiles = oh * ow == l && 2 * ow == w && 4 * l == hw;
  const q0 = part(planes, p, nch), q1 = part(planes, p + 1, nch);
  for (let q = q0; q < q1; q++) {
    const db = dx + (<usize>(q * hw) << 2);
    if (tiles && maxPoolBack2x2s2(db, g + (<usize>(q * l) << 2), idx + (<usize>(q * l) << 2), w, oh, ow)) continue;
    memory.fill(db, 0, <usize>hw << 2);
    for (let e = q * l; e < (q + 1) * l; e++) {
      const at = load<i32>(idx + (<usize>e << 2));
      if (at < 0) continue;
      const a = db + (<usize>at << 2);
      store<f32>(a, load<f32>(a) + load<f32>(g + (<usize>e << 2)));
    }
  }
}

/**
 * One plane's gradient for 2x2 windows at stride 2 that tile it: each window's 4 inputs get g where
 * the index points at them, else 0, in one pass with no scatter (4 windows per step: two 8-float
 * rows). False (the plane half written) if an index lies outside its window: the caller scatters.
 */
function maxPoolBack2x2s2(db: usize, gb: usize, ib: usize, w: i32, oh: i32, ow: i32): bool {
  const wb = <usize>w << 2, lanes = i32x4(0, 2, 4, 6), one = i32x4.splat(1), wv = i32x4.splat(w);
  let miss = i32x4.splat(0);
  for (let r = 0; r < oh; r++) {
    const row = db + (<usize>(2 * r * w) << 2);
    let e = r * ow, s = 0;
    for (; s + 4 <= ow; s += 4, e += 4) {
      const gv = v128.load(gb + (<usize>e << 2)), iv = v128.load(ib + (<usize>e << 2));
      const p00 = i32x4.add(i32x4.splat(2 * r * w + 2 * s), lanes), p01 = i32x4.add(p00, one);
      const p10 = i32x4.add(p00, wv), p11 = i32x4.add(p10, one);
      const m00 = i32x4.eq(iv, p00), m01 = i32x4.eq(iv, p01), m10 = i32x4.eq(iv, p10), m11 = i32x4.eq(iv, p11);
      miss = v128.or(miss, v128.not(v128.or(v128.or(m00, m01), v128.or(m10, m11))));
      const t00 = v128.and(gv, m00), t01 = v128.and(gv, m01), t10 = v128.and(gv, m10), t11 = v128.and(gv, m11);
      const a = row + (<usize>(2 * s) << 2);
      v128.store(a, v128.shuffle<f32>(t00, t01, 0, 4, 1, 5));
      v128.store(a, v128.shuffle<f32>(t00, t01, 2, 6, 3, 7), 16);
      v128.store(a + wb, v128.shuffle<f32>(t10, t11, 0, 4, 1, 5));
      v128.store(a + wb, v128.shuffle<f32>(t10, t11, 2, 6, 3, 7), 16);
    }
    for (; s < ow; s++, e++) {
      const at = load<i32>(ib + (<usize>e << 2)), v = load<f32>(gb + (<usize>e << 2)), p0 = 2 * r * w + 2 * s;
      if (at != p0 && at != p0 + 1 && at != p0 + w && at != p0 + w + 1) return false;
      const a = row + (<usize>(2 * s) << 2);
      store<f32>(a, at == p0 ? v : 0);
      store<f32>(a, at == p0 + 1 ? v : 0, 4);
      store<f32>(a + wb, at == p0 + w ? v : 0);
      store<f32>(a + wb, at == p0 + w + 1 ? v : 0, 4);
    }
  }
  return !v128.any_true(miss);
}

// args: 25, n, x, (unused), out: out = max(x, 0) (NaN stays NaN; −0 becomes +0, as where(x ≤ 0, 0, x)).
// args: 26, n, g, y, out: out = g where not (y ≤ 0), else 0 (ReLU's backward from its output).
export function reluChunk(fn: i32, p: i32, nch: i32, args: usize): void {
  const n = arg(args, 1);
  const i0 = min(n, (((n + nch - 1) / nch + 3) & ~3) * p), i1 = min(n, (((n + nch - 1) / nch + 3) & ~3) * (p + 1));
  const a = <usize>arg(args, 2), b = <usize>arg(args, 3), out = <usize>arg(args, 4);
  const zero = f32x4.splat(0);
  let i = i0;
  if (fn == 25) {
    // x where not (x ≤ 0), by a compare and a mask: f32x4.max's NaN and −0 rules cost V8 several instructions
    for (; i + 4 <= i1; i += 4) {
      const v = v128.load(a + (<usize>i << 2));
      v128.store(out + (<usize>i << 2), v128.andnot(v, f32x4.le(v, zero)));
    }
    for (; i < i1; i++) {
      const v = load<f32>(a + (<usize>i << 2));
      store<f32>(out + (<usize>i << 2), v <= 0 ? 0 : v);
    }
  } else {
    for (; i + 4 <= i1; i += 4) {
      const keep = v128.not(f32x4.le(v128.load(b + (<usize>i << 2)), zero));
      v128.store(out + (<usize>i << 2), v128.and(v128.load(a + (<usize>i << 2)), keep));
    }
    for (; i < i1; i++) store<f32>(out + (<usize>i << 2), load<f32>(b + (<usize>i << 2)) <= 0 ? 0 : load<f32>(a + (<usize>i << 2)));
  }
}
