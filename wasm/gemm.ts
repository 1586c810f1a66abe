// f32 GEMM for myelin's Wasm backend: BLIS-style packing and a 2x16 register-blocked microkernel,
// FMA through relaxed SIMD where the build enables it. Transposed operands are handled by packing.
// The 4x8 kernel that the recurrent kernels call (kernel, packA, packB) lives in gemm4x8.ts.

import { at, fma, interleave4 } from "./util";

export { kernel, packA, packB } from "./gemm4x8";

// ---- GEMM -------------------------------------------------------------------------------------
// BLIS loop order: NC columns of B packed once per KC slab (L3), MC rows of A packed (L2), and the
// 2x16 microkernel walks a KCx16 sliver of packed B (L1) against 2-row slivers of packed A.
// 2 rows x 4 vectors = 8 accumulators. TurboFan (V8 11.3, x64) hoists every load of the loop body
// above its multiply-adds, so accumulators + loaded values must fit the 15 xmm registers it
// allocates: 8 + 6 here; 5x8 and 6x8 tiles (10 or 12 + 7 or 8) spill, and so does unrolling k.
// Against the 4x8 tile (same accumulators, same speed in a tight loop) it streams half the A bytes
// per step from L2: 5-15% faster at the bench shapes (docs/architecture.md, "GEMM tile").
export const MR: i32 = 2;
export const NR: i32 = 16;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 1024;
const PACK_A_BYTES: i32 = MC * KC * 4;
const PACK_B_BYTES: i32 = KC * NC * 4;

/** Bytes of per-thread scratch sgemm needs (packed A, packed B, one 2x16 edge tile). */
export function gemmScratchBytes(): i32 {
  return PACK_A_BYTES + PACK_B_BYTES + 128;
}

// Packed A for the 2x16 kernel: for each 2-row sliver, kc pairs of values, zero-padded past mc.
function packA2(dst: usize, a: usize, rsa: i32, csa: i32, mc: i32, kc: i32): void {
  if (rsa == 1) {
    // A transposed (column-major rows, a layer's dYᵀ): a pair is 8 adjacent bytes. Blocks of 8
    // k-values x 4 rows, so each source line is read once and each sliver gets whole lines.
    const full = mc & ~3;
    for (let p0 = 0; p0 < kc; p0 += 8) {
      const pn = min(8, kc - p0);
      for (let ib = 0; ib < full; ib += 4) {
        const d0 = dst + <usize>(ib * kc + p0 * MR) * 4, d1 = d0 + <usize>(MR * kc * 4);
        for (let p = p0; p < p0 + pn; p++) {
          const v = v128.load(at(a, ib + p * csa));
          const o = <usize>((p - p0) * 8);
          v128.store64_lane(d0 + o, v, 0);
          v128.store64_lane(d1 + o, v, 1);
        }
      }
    }
    if (full == mc) return;
    dst += <usize>(full * kc * 4);
    a = at(a, full);
    mc -= full;
  }
  for (let ib = 0; ib < mc; ib += MR) {
    const rows = min(MR, mc - ib);
    if (rows == MR && rsa == 1) {
      // A transposed (column-major rows): the pair is adjacent, one 8-byte load.
      for (let p = 0; p < kc; p++) {
        store<u64>(dst, load<u64>(at(a, ib + p * csa)));
        dst += 8;
      }
    } else if (rows == MR && csa == 1) {
      // Row-major A: 4 k-values of both rows per step, interleaved in registers.
      const r0 = at(a, ib * rsa), r1 = at(a, (ib + 1) * rsa);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o);
        v128.store(dst, i32x4.shuffle(x0, x1, 0, 4, 1, 5));
        v128.store(dst, i32x4.shuffle(x0, x1, 2, 6, 3, 7), 16);
        dst += 32;
      }
      for (; p < kc; p++) {
        const o = <usize>p << 2;
        store<f32>(dst, load<f32>(r0 + o));
        store<f32>(dst, load<f32>(r1 + o), 4);
        dst += 8;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        store<f32>(dst, load<f32>(at(a, ib * rsa + p * csa)));
        store<f32>(dst, rows > 1 ? load<f32>(at(a, (ib + 1) * rsa + p * csa)) : 0, 4);
        dst += 8;
      }
    }
  }
}

// Packed B for the 2x16 kernel: for each 16-column sliver, kc groups of 16 values, zero-padded past nc.
function packB16(dst: usize, b: usize, rsb: i32, csb: i32, kc: i32, nc: i32): void {
  for (let jb = 0; jb < nc; jb += NR) {
    const cols = min(NR, nc - jb);
    if (cols == NR && csb == 1) {
      for (let p = 0; p < kc; p++) {
        const src = at(b, p * rsb + jb);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        v128.store(dst, v128.load(src, 32), 32);
        v128.store(dst, v128.load(src, 48), 48);
        dst += 64;
      }
      continue;
    }
    if (cols == NR && rsb == 1) {
      // B transposed (NT): columns are contiguous in k; 4 columns x 4 k-values per step, transposed.
      for (let h = 0; h < NR; h += 4) {
        const c0 = at(b, (jb + h) * csb), c1 = at(b, (jb + h + 1) * csb);
        const c2 = at(b, (jb + h + 2) * csb), c3 = at(b, (jb + h + 3) * csb);
        interleave4(dst + (<usize>h << 2), c0, c1, c2, c3, kc, 64);
      }
    } else {
      // A partial sliver (or a general layout): column by column, zeros past nc.
      for (let jj = 0; jj < NR; jj++) {
        let d = dst + (<usize>jj << 2);
        if (jj < cols) {
          for (let p = 0; p < kc; p++) {
            store<f32>(d, load<f32>(at(b, p * rsb + (jb + jj) * csb)));
            d += 64;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f32>(d, 0);
            d += 64;
          }
        }
      }
    }
    dst += <usize>(kc * 64);
  }
}

// C[2x16] (+)= packed A sliver . B sliver (packed: bstep 64; or B's own rows, bstep its row stride); ldc, bstep in bytes.
// On the last k-slab the epilogue follows in registers: + bias[0:16] (bias ≠ 0), then ReLU (act 1).
function kernel2x16(kc: i32, pa: usize, pb: usize, bstep: usize, c: usize, ldc: usize, accumulate: bool, rows: i32, bias: usize, act: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  const end = pa + (<usize>kc << 3); // loop on pa, no counter (see gemm4x8.ts)
  for (; pa < end; pa += 8) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32), b3 = v128.load(pb, 48);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00);
    c01 = fma(a, b1, c01);
    c02 = fma(a, b2, c02);
    c03 = fma(a, b3, c03);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10);
    c11 = fma(a, b1, c11);
    c12 = fma(a, b2, c12);
    c13 = fma(a, b3, c13);
    pb += bstep;
  }
  storeRow16(c, c00, c01, c02, c03, accumulate, bias, act);
  if (rows > 1) storeRow16(c + ldc, c10, c11, c12, c13, accumulate, bias, act); // not for the last row of an odd m
}

// One row of a 2x16 tile: C[0:16] = x (accumulate: C[0:16] += x), then the epilogue: the same
// operations in the same order as a separate pass after the product (bits equal), without
// reading C back from L2 (wasm/linear.ts job 51).
@inline function storeRow16(c: usize, x0: v128, x1: v128, x2: v128, x3: v128, accumulate: bool, bias: usize, act: i32): void {
  if (accumulate) {
    x0 = f32x4.add(x0, v128.load(c));
    x1 = f32x4.add(x1, v128.load(c, 16));
    x2 = f32x4.add(x2, v128.load(c, 32));
    x3 = f32x4.add(x3, v128.load(c, 48));
  }
  if (bias) {
    x0 = f32x4.add(x0, v128.load(bias));
    x1 = f32x4.add(x1, v128.load(bias, 16));
    x2 = f32x4.add(x2, v128.load(bias, 32));
    x3 = f32x4.add(x3, v128.load(bias, 48));
  }
  if (act == 1) {
    const zero = f32x4.splat(0); // NaN kept, as the ReLU op (job 25)
    x0 = v128.andnot(x0, f32x4.le(x0, zero));
    x1 = v128.andnot(x1, f32x4.le(x1, zero));
    x2 = v128.andnot(x2, f32x4.le(x2, zero));
    x3 = v128.andnot(x3, f32x4.le(x3, zero));
  }
  v128.store(c, x0);
  v128.store(c, x1, 16);
  v128.store(c, x2, 32);
  v128.store(c, x3, 48);
}

/**
 * C[i0:i1, j0:j1] = A[i0:i1, :] @ B[:, j0:j1] for one matrix; C is row-major with row stride ldc.
 * Transposed operands are handled entirely by the packing routines (they see only strides).
 * With bias (f32 [n], 0: none) and act (1: ReLU), C = act(A @ B + bias), applied as each tile's
 * last slab is stored (k > 0).
 */
export function sgemm(
  m: i32, n: i32, k: i32, a: usize, rsa: i32, csa: i32, b: usize, rsb: i32, csb: i32,
  c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize, bias: usize = 0, act: i32 = 0,
): void {
  const pA = scratch;
  const pB = scratch + <usize>PACK_A_BYTES;
  const tmp = pB + <usize>PACK_B_BYTES;
  if (k == 0) {
    for (let i = i0; i < i1; i++) {
      memory.fill(at(c, i * ldc + j0), 0, <usize>(j1 - j0) << 2);
      for (let j = j0; j < j1 && (bias || act); j++) {
        const v = load<f32>(at(c, i * ldc + j)) + (bias ? load<f32>(at(bias, j)) : 0);
        store<f32>(at(c, i * ldc + j), act == 1 && v <= 0 ? 0 : v);
      }
    }
    return;
  }
  const ldcBytes = <usize>ldc << 2;
  // Few rows of A (a convolution's 6 or 16 output channels): each packed B sliver would serve at
  // most 8 A slivers, so packing B costs as much as the product; the kernel reads B's rows in place
  // (full 16-column slivers of a row-major B) and only the last partial sliver is packed.
  const direct = csb == 1 && i1 - i0 <= 16;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const last = pc + kc == k, ep = last ? act : 0;
      const full = direct ? nc - nc % NR : 0;
      if (full < nc) packB16(pB + <usize>(full * kc * 4), at(b, pc * rsb + (jc + full) * csb), rsb, csb, kc, nc - full);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA2(pA, at(a, ic * rsa + pc * csa), rsa, csa, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const inPlace = jr < full;
          const pb = inPlace ? at(b, pc * rsb + jc + jr) : pB + <usize>(jr * kc * 4);
          const bstep: usize = inPlace ? <usize>rsb << 2 : 64;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pa = pA + <usize>(ir * kc * 4);
            const cp = at(c, (ic + ir) * ldc + jc + jr);
            const bp = last && bias ? at(bias, jc + jr) : 0;
            if (nr == NR) {
              kernel2x16(kc, pa, pb, bstep, cp, ldcBytes, pc > 0, mr, bp, ep);
            } else {
              kernel2x16(kc, pa, pb, bstep, tmp, 64, false, MR, 0, 0);
              for (let i = 0; i < mr; i++) {
                for (let j = 0; j < nr; j++) {
                  const q = cp + <usize>i * ldcBytes + (<usize>j << 2);
                  let v = load<f32>(tmp + (<usize>(i * NR + j) << 2));
                  if (pc > 0) v = load<f32>(q) + v;
                  if (bp) v += load<f32>(bp + (<usize>j << 2));
                  if (ep == 1 && v <= 0) v = 0;
                  store<f32>(q, v);
                }
              }
            }
          }
        }
      }
    }
  }
}
