// Embedding rows in f32 SIMD (jobs 46 gather, 47 scatter-add; glue in src/backend/wasm/attention-jobs.ts,
// used by src/ops/fused/embedding.ts): the GPT step's token lookup and its gradient without a host
// loop. Indices are checked on the host before the job runs.

import { arg } from "./util";

/** dst[0..d) (=|+=) src[0..d) */
@inline function row(dst: usize, src: usize, d: i32, add: bool): void {
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const o = <usize>j << 2, s = v128.load(src + o);
    v128.store(dst + o, add ? f32x4.add(v128.load(dst + o), s) : s);
  }
  for (; j < d; j++) {
    const o = <usize>j << 2, s = load<f32>(src + o);
    store<f32>(dst + o, add ? load<f32>(dst + o) + s : s);
  }
}

// args: 46 or 47, k (index count), d, table / gradient rows, index (i32 [k]), out, padding row (47; -1: none).
// 46: out[r] = table[index[r]] (out [k, d]). 47: out[index[r]] += g[r] for r in order (out [n, d], zeroed),
// the padding row skipped: the host loop's sums, in its order.
export function embeddingJob(fn: i32, c: i32, nch: i32, args: usize): void {
  const k = arg(args, 1), d = arg(args, 2), src = <usize>arg(args, 3), idx = <usize>arg(args, 4), out = <usize>arg(args, 5);
  const per = (k + nch - 1) / nch, r1 = min(k, (c + 1) * per), rb = <usize>d << 2;
  if (fn == 46) for (let r = c * per; r < r1; r++) row(out + <usize>r * rb, src + <usize>load<i32>(idx + (<usize>r << 2)) * rb, d, false);
  else {
    const pad = arg(args, 6);
    for (let r = 0; r < k; r++) {
      const i = load<i32>(idx + (<usize>r << 2));
      if (i != pad) row(out + <usize>i * rb, src + <usize>r * rb, d, true);
    }
  }
}
