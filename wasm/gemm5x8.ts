// The 5x8 GEMM microkernel of the recurrent layers' per-step GEMMs (rnn-seq.ts gemmRows): 10
// accumulators where the 4x8 kernel has 8, so the FMA chains (latency 4, two pipes) have slack.
// A's five values per k are one vector load (rows 0-3, splat by shuffles) and one splat load.

import { fma, transpose4 } from "./util";

/**
 * Packs 5 rows of row-major A (row stride lda elements) of depth kc as kc groups of 5 floats (20
 * bytes), what kernel5 reads: 4x4 transposes for rows 0-3 (16-byte stores), row 4 by scalars.
 */
export function packA5(dst: usize, a: usize, lda: i32, kc: i32): void {
  const r0 = a, r1 = a + (<usize>lda << 2), r2 = r1 + (<usize>lda << 2), r3 = r2 + (<usize>lda << 2), r4 = r3 + (<usize>lda << 2);
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const o = <usize>p << 2, d = dst + <usize>(p * 20);
    transpose4(d, v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o), 20);
    store<f32>(d, load<f32>(r4 + o), 16);
    store<f32>(d, load<f32>(r4 + o, 4), 36);
    store<f32>(d, load<f32>(r4 + o, 8), 56);
    store<f32>(d, load<f32>(r4 + o, 12), 76);
  }
  for (; p < kc; p++) {
    const o = <usize>p << 2, d = dst + <usize>(p * 20);
    store<f32>(d, load<f32>(r0 + o));
    store<f32>(d, load<f32>(r1 + o), 4);
    store<f32>(d, load<f32>(r2 + o), 8);
    store<f32>(d, load<f32>(r3 + o), 12);
    store<f32>(d, load<f32>(r4 + o), 16);
  }
}

/**
 * C[5x8] (+)= a packed 5-row sliver of A (packA5) · a packed 8-column sliver of B (gemm4x8.ts's
 * packB: 32 bytes per k); ldc in bytes. Measured alone (a throwaway harness, depth 160 and 512,
 * B in L1): ~54.5 GFLOP/s against the 4x8 kernel's ~51; TurboFan keeps it in 15 registers (10
 * accumulators, 2 of B, A's vector and one splat) because the shuffles are scheduled at their uses,
 * where 5 or 6 splat loads are all hoisted (5x8 and 6x8 with splat loads spill, docs "Round 5").
 */
export function kernel5(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  const end = pa + <usize>(kc * 20);
  for (; pa < end; pa += 20) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16), av = v128.load(pa);
    let a = i32x4.shuffle(av, av, 0, 0, 0, 0);
    c00 = fma(a, b0, c00);
    c01 = fma(a, b1, c01);
    a = i32x4.shuffle(av, av, 1, 1, 1, 1);
    c10 = fma(a, b0, c10);
    c11 = fma(a, b1, c11);
    a = i32x4.shuffle(av, av, 2, 2, 2, 2);
    c20 = fma(a, b0, c20);
    c21 = fma(a, b1, c21);
    a = i32x4.shuffle(av, av, 3, 3, 3, 3);
    c30 = fma(a, b0, c30);
    c31 = fma(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = fma(a, b0, c40);
    c41 = fma(a, b1, c41);
    pb += 32;
  }
  row8(c, c00, c01, accumulate);
  row8(c + ldc, c10, c11, accumulate);
  row8(c + 2 * ldc, c20, c21, accumulate);
  row8(c + 3 * ldc, c30, c31, accumulate);
  row8(c + 4 * ldc, c40, c41, accumulate);
}

@inline function row8(c: usize, x0: v128, x1: v128, accumulate: bool): void {
  if (accumulate) {
    x0 = f32x4.add(x0, v128.load(c));
    x1 = f32x4.add(x1, v128.load(c, 16));
  }
  v128.store(c, x0);
  v128.store(c, x1, 16);
}
