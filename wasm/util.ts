// Helpers shared by myelin's AssemblyScript kernels (see kernels.ts for the module's contract):
// addressing, job args, a multiply-add, loads, horizontal sums and a 4x4 transpose, all inlined at
// each use, so sharing them costs nothing.

/** base + elems * 4 with i32 element offsets (negative strides wrap mod 2^32, as usize addition needs). */
@inline export function at(base: usize, elems: i32): usize {
  return base + (<usize>elems << 2);
}

/** The i-th 32-bit argument of the current job (src/backend/wasm/worker-loop.ts writes them). */
@inline export function arg(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

/** a·b + c: one fused multiply-add where the build has relaxed SIMD, else a multiply and an add. */
@inline export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** 4 floats at element j of p. */
@inline export function ld(p: usize, j: i32): v128 {
  return v128.load(p + (<usize>j << 2));
}

/** The sum of the 4 lanes, added as (v0 + v2) + (v1 + v3). */
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** Stores the transpose of the 4x4 block with rows x0..x3: column q goes to dst + q·step. */
@inline export function transpose4(dst: usize, x0: v128, x1: v128, x2: v128, x3: v128, step: usize): void {
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + step, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * step, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/**
 * Interleaves kc floats of four contiguous runs r0..r3 into kc groups of 4 (one float of each run)
 * at dst, a group every `step` bytes: 4x4 transposes, then a scalar tail. GEMM packing uses it for
 * 4 rows of A or 4 columns of a transposed B.
 */
@inline export function interleave4(dst: usize, r0: usize, r1: usize, r2: usize, r3: usize, kc: i32, step: usize): void {
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const o = <usize>p << 2;
    transpose4(dst, v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o), step);
    dst += step << 2;
  }
  for (; p < kc; p++) {
    const o = <usize>p << 2;
    store<f32>(dst, load<f32>(r0 + o));
    store<f32>(dst, load<f32>(r1 + o), 4);
    store<f32>(dst, load<f32>(r2 + o), 8);
    store<f32>(dst, load<f32>(r3 + o), 12);
    dst += step;
  }
}
