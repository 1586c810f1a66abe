// The general Boltzmann machine (Ackley, Hinton and Sejnowski 1985): binary units, symmetric
// weights between every pair, visible and hidden units, learned from clamped and free statistics.

import { noGrad } from "../autograd/grad-mode.js";
import { Module } from "../nn/module.js";
import { Buffer } from "../nn/parameter.js";
import { tensor } from "../ops/creation.js";
import { checkOptionNames } from "../options.js";
import type { Generator } from "../random.js";
import { defaultGenerator } from "../random.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

export interface BoltzmannFitOptions {
  epochs?: number;
  lr?: number;
}

/**
 * A Boltzmann machine over n = nVisible + nHidden binary units s ∈ {0, 1}ⁿ (D. H. Ackley, G. E.
 * Hinton and T. J. Sejnowski, "A learning algorithm for Boltzmann machines", Cognitive Science 9,
 * 1985), the visible units first: E(s) = −Σ_{i<j} wᵢⱼ sᵢ sⱼ − Σᵢ bᵢ sᵢ, p(s) = e^{−E(s)} / Z, with
 * W symmetric and a zero diagonal. Unlike an RBM, hidden units connect to each other and visible to
 * visible. Learning ascends the log-likelihood of the visible data:
 * Δwᵢⱼ = η (⟨sᵢ sⱼ⟩_clamped − ⟨sᵢ sⱼ⟩_free), Δbᵢ = η (⟨sᵢ⟩_clamped − ⟨sᵢ⟩_free),
 * the clamped average over the data with the hidden units at their posterior. `fit` computes both
 * averages exactly by enumerating the 2ⁿ states (small machines, n ≤ 20); `sample` draws by Gibbs
 * sampling, one unit at a time with p(sᵢ = 1 | rest) = σ(bᵢ + Σⱼ wᵢⱼ sⱼ). The methods work on
 * plain float64 arrays (every step depends on the one before) copied from and back to the buffers
 * `weight` [n, n] and `bias` [n] (float64; learned by this rule, not by gradients), so the state
 * dict and checkpoints hold the machine. Weights start N(0, 1): from small ones exact learning sits
 * on the symmetric saddle of problems like parity (measured: no progress in 400 epochs at N(0, 0.1²)).
 */
export class BoltzmannMachine extends Module {
  readonly n: number;
  weight: Tensor;
  bias: Tensor;
  constructor(readonly nVisible: number, readonly nHidden: number, { generator = defaultGenerator }: { generator?: Generator } = {}) {
    super();
    const n = (this.n = nVisible + nHidden);
    if (nVisible < 1 || nHidden < 0 || n > 20) throw new Error(`models.BoltzmannMachine: expected 1 ≤ visible and visible + hidden ≤ 20, got ${nVisible} + ${nHidden}`);
    const w = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) w[i * n + j] = w[j * n + i] = generator.normal();
    this.weight = Buffer(tensor(w, { shape: [n, n], dtype: "float64" }));
    this.bias = Buffer(tensor(new Float64Array(n), { dtype: "float64" }));
  }

  /** Working copies of W (row-major) and b. */
  #arrays(): { w: Float64Array; b: Float64Array } {
    return { w: Float64Array.from(this.weight.dataSync()), b: Float64Array.from(this.bias.dataSync()) };
  }

  /** E(s) for a state given as the bits of an integer (unit i = bit i). */
  energyOf(state: number): number {
    const { w, b } = this.#arrays();
    return this.#energy(state, w, b);
  }

  #energy(state: number, w: Float64Array, b: Float64Array): number {
    let e = 0;
    for (let i = 0; i < this.n; i++) {
      if (!((state >> i) & 1)) continue;
      e -= b[i]!;
      for (let j = i + 1; j < this.n; j++) if ((state >> j) & 1) e -= w[i * this.n + j]!;
    }
    return e;
  }

  /** The exact marginal distribution of the visible units: [2^nVisible], index = visible bits. */
  visibleDistribution(): Float64Array {
    const p = new Float64Array(1 << this.nVisible);
    const { w, b } = this.#arrays();
    const probs = this.#boltzmann(w, b);
    probs.forEach((q, s) => (p[s & ((1 << this.nVisible) - 1)]! += q));
    return p;
  }

  /**
   * The exact log-probability of each row of visible data [B, nVisible] of 0/1 (nats), float64 [B]:
   * log p(v_b), p(v) = Σ_h e^{−E(v, h)} / Z, Z = Σ_s e^{−E(s)}, both sums enumerated.
   */
  forward(data: Tensor): Tensor {
    return tensor(this.#logProbs("forward", data), { dtype: "float64" });
  }

  /** The exact mean negative log-likelihood of visible data [B, nVisible] of 0/1 (nats per row): −(1/B) Σ_b log p(v_b) (see forward). */
  nll(data: Tensor): number {
    const logp = this.#logProbs("nll", data);
    let sum = 0;
    for (const l of logp) sum -= l;
    return sum / logp.length;
  }

  #logProbs(what: string, data: Tensor): Float64Array {
    if (data.ndim !== 2 || data.shape[1] !== this.nVisible) throw new Error(`BoltzmannMachine.${what}: expected data [batch, ${this.nVisible}] of 0/1, got ${fmtShape(data.shape)}`);
    const pv = this.visibleDistribution(), d = data.dataSync(), rows = data.shape[0]!, nv = this.nVisible;
    return Float64Array.from({ length: rows }, (_, r) => {
      let v = 0;
      for (let i = 0; i < nv; i++) if (d[r * nv + i]! > 0.5) v |= 1 << i;
      return Math.log(pv[v]!);
    });
  }

  #boltzmann(w: Float64Array, b: Float64Array): Float64Array {
    const m = 1 << this.n;
    const logits = new Float64Array(m);
    let max = -Infinity;
    for (let s = 0; s < m; s++) max = Math.max(max, (logits[s] = -this.#energy(s, w, b)));
    let z = 0;
    for (let s = 0; s < m; s++) z += logits[s] = Math.exp(logits[s]! - max);
    return logits.map((v) => v / z);
  }

  /**
   * Exact maximum-likelihood learning on visible data [B, nVisible] of 0/1; returns the data's mean
   * negative log-likelihood −(1/B) Σ log p(v) before each epoch.
   */
  fit(data: Tensor, opts: BoltzmannFitOptions = {}): number[] {
    checkOptionNames("BoltzmannMachine.fit", opts, ["epochs", "lr"]);
    const { epochs = 100, lr = 0.5 } = opts;
    if (data.ndim !== 2 || data.shape[1] !== this.nVisible) throw new Error(`BoltzmannMachine.fit: expected data [batch, ${this.nVisible}] of 0/1, got ${fmtShape(data.shape)}`);
    const d = data.dataSync(), rows = data.shape[0]!, n = this.n, nv = this.nVisible;
    const visible = Array.from({ length: rows }, (_, r) => { let v = 0; for (let i = 0; i < nv; i++) if (d[r * nv + i]! > 0.5) v |= 1 << i; return v; });
    const history: number[] = [];
    const { w, b } = this.#arrays();
    for (let e = 0; e < epochs; e++) {
      const p = this.#boltzmann(w, b);
      const pv = new Float64Array(1 << nv);
      p.forEach((q, s) => (pv[s & ((1 << nv) - 1)]! += q));
      history.push(-visible.reduce((a, v) => a + Math.log(pv[v]!), 0) / rows);
      // free statistics under p(s), clamped under (1/B) Σ_data p(h | v) = p(s) / p(v) per data row
      const free = new Float64Array(n * n), clamped = new Float64Array(n * n);
      const weightOfVisible = new Float64Array(1 << nv);
      for (const v of visible) weightOfVisible[v]! += 1 / rows;
      for (let s = 0; s < p.length; s++) {
        const v = s & ((1 << nv) - 1);
        const qf = p[s]!, qc = weightOfVisible[v]! > 0 ? (weightOfVisible[v]! * p[s]!) / pv[v]! : 0;
        if (qf < 1e-300 && qc === 0) continue;
        for (let i = 0; i < n; i++) {
          if (!((s >> i) & 1)) continue;
          for (let j = i; j < n; j++) if ((s >> j) & 1) { free[i * n + j]! += qf; clamped[i * n + j]! += qc; }
        }
      }
      for (let i = 0; i < n; i++) {
        b[i]! += lr * (clamped[i * n + i]! - free[i * n + i]!);
        for (let j = i + 1; j < n; j++) {
          const dw = lr * (clamped[i * n + j]! - free[i * n + j]!);
          w[i * n + j]! += dw;
          w[j * n + i]! += dw;
        }
      }
    }
    noGrad(() => {
      this.weight.assign(tensor(w, { shape: [n, n], dtype: "float64" }));
      this.bias.assign(tensor(b, { dtype: "float64" }));
    });
    return history;
  }

  /** `count` visible samples [count, nVisible] by Gibbs sampling, `burnIn` sweeps before each. */
  sample(count: number, { burnIn = 50, generator = defaultGenerator }: { burnIn?: number; generator?: Generator } = {}): Tensor {
    const n = this.n, s = new Float64Array(n), out = new Float32Array(count * this.nVisible), { w, b } = this.#arrays();
    for (let c = 0; c < count; c++) {
      for (let sweep = 0; sweep < burnIn; sweep++)
        for (let i = 0; i < n; i++) {
          let h = b[i]!;
          for (let j = 0; j < n; j++) h += w[i * n + j]! * s[j]!;
          s[i] = generator.random() < 1 / (1 + Math.exp(-h)) ? 1 : 0;
        }
      out.set(s.subarray(0, this.nVisible), c * this.nVisible);
    }
    return tensor(out, { shape: [count, this.nVisible] });
  }
}
