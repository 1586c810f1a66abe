// The 4x8 GEMM microkernel and its packing, which the recurrent layers' sequence kernels call per
// time step (rnn-seq.ts packs W_hh once into 8-column slivers). sgemm itself uses the 2x16 kernel of
// gemm.ts: both reach ~53 GFLOP/s in a tight loop (Zen 4, 1 thread), but the 2x16 one reads half the
// A bytes per step, which counts when A streams from L2 as in sgemm's blocks.

import { at, fma, interleave4 } from "./util";

// Packed A: for each 4-row sliver, kc groups of 4 values (rows), zero-padded past mc.
export function packA(dst: usize, a: usize, rsa: i32, csa: i32, mc: i32, kc: i32): void {
  for (let ib = 0; ib < mc; ib += 4) {
    const rows = min(4, mc - ib);
    if (rows == 4 && rsa == 1) {
      // A transposed (column-major rows): 4 row values are adjacent, one vector load.
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(at(a, ib + p * csa)));
        dst += 16;
      }
    } else if (rows == 4 && csa == 1) {
      // Row-major A: 4 rows x 4 k-values per step, transposed in registers (4x4 shuffle transpose).
      const r0 = at(a, ib * rsa), r1 = at(a, (ib + 1) * rsa), r2 = at(a, (ib + 2) * rsa), r3 = at(a, (ib + 3) * rsa);
      interleave4(dst, r0, r1, r2, r3, kc, 16);
      dst += <usize>(kc * 16);
    } else {
      for (let p = 0; p < kc; p++) {
        for (let ii = 0; ii < 4; ii++) {
          store<f32>(dst, ii < rows ? load<f32>(at(a, (ib + ii) * rsa + p * csa)) : 0);
          dst += 4;
        }
      }
    }
  }
}

// Packed B: for each 8-column sliver, kc groups of 8 values (columns), zero-padded past nc.
export function packB(dst: usize, b: usize, rsb: i32, csb: i32, kc: i32, nc: i32): void {
  for (let jb = 0; jb < nc; jb += 8) {
    const cols = min(8, nc - jb);
    if (cols == 8 && csb == 1) {
      for (let p = 0; p < kc; p++) {
        const src = at(b, p * rsb + jb);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
      }
    } else if (rsb == 1 && cols == 8) {
      // B transposed (NT): columns are contiguous in k; 4 columns x 4 k-values per step, transposed.
      for (let h = 0; h < 8; h += 4) {
        const c0 = at(b, (jb + h) * csb), c1 = at(b, (jb + h + 1) * csb);
        const c2 = at(b, (jb + h + 2) * csb), c3 = at(b, (jb + h + 3) * csb);
        interleave4(dst + (<usize>h << 2), c0, c1, c2, c3, kc, 32);
      }
      dst += <usize>(kc * 32);
    } else if (rsb == 1) {
      // B transposed (NT), a partial sliver: read each column sequentially.
      for (let jj = 0; jj < 8; jj++) {
        let d = dst + (<usize>jj << 2);
        if (jj < cols) {
          const src = at(b, (jb + jj) * csb);
          for (let p = 0; p < kc; p++) {
            store<f32>(d, load<f32>(src + (<usize>p << 2)));
            d += 32;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f32>(d, 0);
            d += 32;
          }
        }
      }
      dst += <usize>(kc * 32);
    } else {
      for (let p = 0; p < kc; p++) {
        for (let jj = 0; jj < 8; jj++) {
          store<f32>(dst, jj < cols ? load<f32>(at(b, p * rsb + (jb + jj) * csb)) : 0);
          dst += 4;
        }
      }
    }
  }
}

// C[4x8] (+)= packedA sliver . B sliver (packed: bstep 32; or B's own rows, bstep its row stride); ldc, bstep in bytes.
export function kernel(kc: i32, pa: usize, pb: usize, bstep: usize, c: usize, ldc: usize, accumulate: bool, rows: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // the loop runs on pa up to its end: no counter, one add fewer per step (50 → 53 GFLOP/s with A from L2)
  const end = pa + (<usize>kc << 4);
  for (; pa < end; pa += 16) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00);
    c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10);
    c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20);
    c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30);
    c31 = fma(a, b1, c31);
    pb += bstep;
  }
  // rows < 4: a partial sliver of A (6 output channels = 4 + 2) stores only its real rows
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    if (rows > 1) {
      c10 = f32x4.add(c10, v128.load(c + ldc));
      c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    }
    if (rows > 2) {
      c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
      c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    }
    if (rows > 3) {
      c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
      c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
    }
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  if (rows > 1) {
    v128.store(c + ldc, c10);
    v128.store(c + ldc, c11, 16);
  }
  if (rows > 2) {
    v128.store(c + 2 * ldc, c20);
    v128.store(c + 2 * ldc, c21, 16);
  }
  if (rows > 3) {
    v128.store(c + 3 * ldc, c30);
    v128.store(c + 3 * ldc, c31, 16);
  }
}
