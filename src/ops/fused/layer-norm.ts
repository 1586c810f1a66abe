// layerNorm over the last k dims: y = (x − μ)/√(σ² + ε)·w + b with biased σ² (Ba et al., 2016;
// torch.nn.functional.layer_norm). One pass per row (wasm: SIMD jobs 42/43 each way; elsewhere a
// host loop and a backward of ~12 ops where the composite's tape has ~25).

import { isGradEnabled } from "../../autograd/grad-mode.js";
import { layerNormBackwardJob, layerNormForwardJob, normChunks } from "../../backend/wasm/attention-jobs.js";
import type { WasmBackend } from "../../backend/wasm/wasm-backend.js";
import type { Tensor } from "../../tensor.js";
import { sumTo } from "../movement.js";
import { wasmOf, fresh } from "./conv-host.js";
import { hostKernels, onHost, type FusedDef } from "./def.js";

/** k: how many trailing dims are normalized; weight/bias: whether those inputs follow x. */
type Attrs = { k: number; eps: number; weight: boolean; bias: boolean };

const lastDims = (x: Tensor, k: number): number[] => Array.from({ length: k }, (_, i) => x.ndim - k + i);
const affine = (xs: readonly Tensor[], { weight, bias }: Attrs): [Tensor | null, Tensor | null] => [weight ? xs[1]! : null, bias ? xs[weight ? 2 : 1]! : null];

/** x̂ = (x − μ)·rstd and rstd = 1/√(σ² + ε) over the last k dims. */
function normalize(x: Tensor, k: number, eps: number): [Tensor, Tensor] {
  const dims = lastDims(x, k);
  const centered = x.sub(x.mean(dims, true));
  const rstd = centered.square().mean(dims, true).add(eps).rsqrt();
  return [centered.mul(rstd), rstd];
}

/** The wasm backend when every input is float32 and there are rows to normalize; with [rows, n]. */
function simd(xs: readonly Tensor[], k: number): [WasmBackend, number, number] | null {
  const x = xs[0]!, n = x.shape.slice(x.ndim - k).reduce((a, c) => a * c, 1), be = wasmOf(x);
  return be && n > 0 && x.numel > 0 && xs.every((t) => t.dtype === "float32") ? [be, x.numel / n, n] : null;
}
const at = (t: Tensor | null): readonly [Tensor["storage"], number] | null => (t ? [t.storage, t.offset] : null);

export const layerNorm: FusedDef<Attrs> = {
  reference: (xs, attrs) => {
    const [w, b] = affine(xs, attrs);
    let y = normalize(xs[0]!, attrs.k, attrs.eps)[0];
    if (w) y = y.mul(w);
    if (b) y = y.add(b);
    return [y];
  },
  // dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = g·w; dw = Σ g·x̂, db = Σ g over the leading dims
  backward: ([g], xs, _, attrs, needs) => {
    const [w, b] = affine(xs, attrs);
    const fast = isGradEnabled() ? null : simd(xs, attrs.k);
    if (fast) {
      const [be, rows, n] = fast, x = xs[0]!.contiguous(), ch = normChunks(be, rows, n);
      const dx = fresh(x, x.shape), dw = w && needs[1] ? fresh(x, [ch, n]) : null, db = b && needs[attrs.weight ? 2 : 1] ? fresh(x, [ch, n]) : null;
      layerNormBackwardJob(be, rows, n, at(g!.contiguous())!, at(x)!, at(w && w.contiguous()), dx.storage, attrs.eps, dw?.storage ?? null, db?.storage ?? null);
      const rows1 = (t: Tensor | null, to: Tensor | null): Tensor | null => t && (ch === 1 ? t : t.sum(0)).reshape(to!.shape); // one chunk: its sums as they are
      const gw = rows1(dw, w), gb = rows1(db, b);
      return attrs.weight ? [needs[0] ? dx : null, gw, ...(b ? [gb] : [])] : [needs[0] ? dx : null, gb];
    }
    const dims = lastDims(xs[0]!, attrs.k), [xhat, rstd] = normalize(xs[0]!, attrs.k, attrs.eps);
    const gh = w ? g!.mul(w) : g!;
    const gx = needs[0] ? rstd.mul(gh.sub(gh.mean(dims, true)).sub(xhat.mul(gh.mul(xhat).mean(dims, true)))) : null;
    const gw = w && needs[1] ? sumTo(g!.mul(xhat), w.shape) : null;
    const gb = b && needs[attrs.weight ? 2 : 1] ? sumTo(g!, b.shape) : null;
    return attrs.weight ? [gx, gw, ...(b ? [gb] : [])] : [gx, gb];
  },
  kernels: hostKernels((xs, attrs) => {
    const x = xs[0]!;
    if (xs.some((t) => t.dtype !== x.dtype)) return null;
    const [w, b] = affine(xs, attrs);
    const fast = simd(xs, attrs.k);
    if (fast) {
      const c = (t: Tensor | null): Tensor | null => t && t.contiguous(), xc = c(x)!, y = fresh(x, x.shape);
      layerNormForwardJob(fast[0], fast[1], fast[2], at(xc)!, at(c(w)), at(c(b)), y.storage, attrs.eps);
      return [y];
    }
    const n = x.shape.slice(x.ndim - attrs.k).reduce((a, c) => a * c, 1), rows = n === 0 ? 0 : x.numel / n;
    const parts = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
    return onHost(parts, [[x.shape, x.dtype]], ([xi, ...ab], [y]) => {
      const wi = w ? ab[0]! : null, bi = b ? ab[w ? 1 : 0]! : null;
      for (let r = 0; r < rows; r++) {
        const at = xi!.off + r * n;
        let mean = 0, v = 0;
        for (let j = 0; j < n; j++) mean += xi!.data[at + j]!;
        mean /= n;
        for (let j = 0; j < n; j++) v += (xi!.data[at + j]! - mean) ** 2;
        const rstd = 1 / Math.sqrt(v / n + attrs.eps);
        for (let j = 0; j < n; j++) {
          let o = (xi!.data[at + j]! - mean) * rstd;
          if (wi) o *= wi.data[wi.off + j]!;
          if (bi) o += bi.data[bi.off + j]!;
          y![r * n + j] = o;
        }
      }
    }, false);
  }),
};
