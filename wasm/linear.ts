// The fused linear layer's kernels (src/ops/fused/linear.ts through src/backend/wasm/linear-jobs.ts):
// 51 y = act(x·Wᵀ + b) as the GEMM with the bias and ReLU applied in its last stores (wasm/gemm.ts);
// 52 its backward's one pass over dY: the ReLU mask and the bias gradient (column sums) together.

import { MR, sgemm } from "./gemm";
import { arg } from "./util";

// Rows [i0, i1) of chunk p of nch, rounded to `align` (whole GEMM slivers).
@inline function bound(total: i32, p: i32, nch: i32, align: i32): i32 {
  const c = (((total + nch - 1) / nch + align - 1) / align) * align;
  return min(total, c * p);
}

// args: 51, m, n, k, a, rsa, csa, b, rsb, csb, c, bias (0: none), act (0 none, 1 relu), scratch, scratch bytes per thread.
export function linearForwardChunk(p: i32, nch: i32, tid: i32, args: usize): void {
  const m = arg(args, 1), n = arg(args, 2), k = arg(args, 3);
  const i0 = bound(m, p, nch, MR), i1 = bound(m, p + 1, nch, MR);
  if (i0 >= i1) return;
  const c = <usize>arg(args, 10);
  const scratch = <usize>arg(args, 13) + <usize>tid * <usize>arg(args, 14);
  // the bias and ReLU inside the GEMM's last stores (a pass over C after it read C back from L2)
  sgemm(m, n, k, <usize>arg(args, 4), arg(args, 5), arg(args, 6), <usize>arg(args, 7), arg(args, 8), arg(args, 9), c, n, i0, i1, 0, n, scratch, <usize>arg(args, 11), arg(args, 12));
}

// args: 52, m, n, g, y (0: no mask), gy (masked dY, written where y is given), db (f32 [n]).
// Columns [j0, j1) per chunk; db[j] = Σ_i dY[i, j] in f64 over rows in order, rounded once: the
// same bits as the column-sum reduction (wasm/reduce.ts reduceCols) of the masked gradient. Eight
// columns at a time walk down the rows with their sums in registers (not in memory, reloaded per row).
export function linearGradChunk(p: i32, nch: i32, args: usize): void {
  const m = arg(args, 1), n = arg(args, 2);
  const j0 = bound(n, p, nch, 4), j1 = bound(n, p + 1, nch, 4);
  if (j0 >= j1) return;
  let g = <usize>arg(args, 3);
  const y = <usize>arg(args, 4), gy = <usize>arg(args, 5), db = <usize>arg(args, 6);
  const row = <usize>n << 2;
  if (y) {
    // The ReLU mask first, row by row (dY' = dY where y > 0), then the column sums of dY' (loads
    // only): storing dY' inside the column walk below ran 2.5x slower at a transformer's [1024, 512]
    // FFN gradient, its stores 4K-aliasing the next rows' loads of dY and y (all row-strided alike).
    const w = <usize>(j1 - j0) << 2;
    for (let i = 0, o = <usize>j0 << 2; i < m; i++, o += row) maskRow(g + o, y + o, gy + o, w);
    g = gy;
  }
  let j = j0;
  for (; j + 8 <= j1; j += 8) {
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let o = <usize>j << 2;
    for (let i = 0; i < m; i++, o += row) {
      const v = v128.load(g + o), w = v128.load(g + o, 16);
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
      a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      a2 = f64x2.add(a2, f64x2.promote_low_f32x4(w));
      a3 = f64x2.add(a3, f64x2.promote_low_f32x4(i32x4.shuffle(w, w, 2, 3, 0, 1)));
    }
    const d = db + (<usize>j << 2);
    v128.store(d, v128.shuffle<f32>(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
    v128.store(d, v128.shuffle<f32>(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 4, 5), 16);
  }
  for (; j < j1; j++) {
    let a: f64 = 0;
    let o = <usize>j << 2;
    for (let i = 0; i < m; i++, o += row) {
      a += <f64>load<f32>(g + o);
    }
    store<f32>(db + (<usize>j << 2), <f32>a);
  }
}

/** dst[0:w) = dY where y > 0, else 0 (a NaN in y keeps dY, as nn.ReLU's rule), w bytes (a multiple of 4). */
@inline function maskRow(g: usize, y: usize, dst: usize, w: usize): void {
  const zero = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 <= w; o += 16) v128.store(dst + o, v128.andnot(v128.load(g + o), f32x4.le(v128.load(y + o), zero)));
  for (; o < w; o += 4) store<f32>(dst + o, load<f32>(y + o) <= 0 ? 0 : load<f32>(g + o));
}
