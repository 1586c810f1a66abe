// The weight gradient of the fused LSTM layer (src/ops/fused/rnn-backward.ts, job 39): dW [4H, I + H]
// = dGᵀ·[x | h] over all T·B rows, with gemm5x8.ts's kernel. Both operands pack by plain copies:
// dGᵀ's 5-row slivers are 5 adjacent columns of dG, [x | h]'s 8-column slivers 8 adjacent values.

import { kernel, packB } from "./gemm4x8";
import { kernel5 } from "./gemm5x8";

// Depth of one block: packed dG rows (~4H·KC·4 bytes) and [x | h] slivers stay in L2 while used.
const KC: i32 = 256;

/** Bytes of rnnGradW scratch for up to `rows` rows of dW and n columns. */
export function rnnGradScratch(rows: i32, n: i32): i32 {
  return ((((rows + 3) & ~3) + ((n + 7) & ~7)) * KC + 40) * 4;
}

/**
 * out rows [i0, i1) of dW [*, n] (row-major) = dGᵀ·cat: dg [depth, *] with row stride ldg, cat
 * [depth, n] with row stride ldx (elements). The rows split into 5-row slivers and a multiple of 4
 * (as rnn-seq.ts gemmRows); depth blocks of KC accumulate into out.
 */
export function rnnGradW(i0: i32, i1: i32, n: i32, depth: i32, dg: usize, ldg: i32, cat: usize, ldx: i32, out: usize, scratch: usize): void {
  const m = i1 - i0, n4 = (4 * m) % 5, m5 = 4 * n4 <= m ? m - 4 * n4 : 0, mp = m5 + ((m - m5 + 3) & ~3);
  if (depth <= 0) for (let i = i0; i < i1; i++) memory.fill(out + <usize>(i * n) * 4, 0, <usize>n * 4);
  const pA = scratch, pB = scratch + <usize>(mp * KC) * 4, tmp = pB + <usize>(((n + 7) & ~7) * KC) * 4, lc = <usize>n << 2;
  for (let pc = 0; pc < depth; pc += KC) {
    const kc = min(KC, depth - pc), acc = pc > 0;
    packB(pB, cat + <usize>(pc * ldx) * 4, ldx, 1, kc, n);
    packT(pA, dg + <usize>(pc * ldg + i0) * 4, ldg, m, m5, kc);
    for (let j = 0; j < n; j += 8) {
      const pb = pB + <usize>(j * kc) * 4, nr = min(8, n - j);
      for (let r = 0; r < m; r += r < m5 ? 5 : 4) {
        const pa = pA + <usize>(r * kc) * 4, cp = out + <usize>((i0 + r) * n + j) * 4, mr = r < m5 ? 5 : min(4, m - r);
        if (nr == 8 && mr == 5) kernel5(kc, pa, pb, cp, lc, acc);
        else if (nr == 8 && mr == 4) kernel(kc, pa, pb, 32, cp, lc, acc, 4);
        else {
          if (mr == 5) kernel5(kc, pa, pb, tmp, 32, false);
          else kernel(kc, pa, pb, 32, tmp, 32, false, 4);
          for (let i = 0; i < mr; i++)
            for (let q = 0; q < nr; q++) {
              const o = cp + <usize>i * lc + (<usize>q << 2), v = load<f32>(tmp + (<usize>(i * 8 + q) << 2));
              store<f32>(o, acc ? load<f32>(o) + v : v);
            }
        }
      }
    }
  }
}

// Columns [0, m) of kc rows of a (row stride lda) as the transposed A of the kernels: 5-column slivers
// up to m5 (20 bytes per row), then 4-column ones (16 bytes, zeros past m). Blocks of 8 rows (16 KiB
// of dG at 4H = 512) stay in L1 while every sliver takes its part, so each line is read once.
function packT(dst: usize, a: usize, lda: i32, m: i32, m5: i32, kc: i32): void {
  const la = <usize>lda << 2;
  for (let p0 = 0; p0 < kc; p0 += 8) {
    const pn = min(8, kc - p0);
    for (let r = 0; r < m; r += r < m5 ? 5 : 4) {
      const w = r < m5 ? 5 : 4;
      let d = dst + <usize>(r * kc + p0 * w) * 4, s = a + <usize>(p0 * lda + r) * 4;
      if (w == 5) {
        for (let p = 0; p < pn; p++, d += 20, s += la) {
          v128.store(d, v128.load(s));
          store<f32>(d, load<f32>(s, 16), 16);
        }
      } else if (m - r >= 4) {
        for (let p = 0; p < pn; p++, d += 16, s += la) v128.store(d, v128.load(s));
      } else {
        for (let p = 0; p < pn; p++, d += 16, s += la)
          for (let i = 0; i < 4; i++) store<f32>(d + (<usize>i << 2), i < m - r ? load<f32>(s + (<usize>i << 2)) : 0);
      }
    }
  }
}
