// The Hopfield network (Hopfield 1982): ±1 neurons, Hebbian storage, asynchronous and synchronous
// updates, and the energy that asynchronous updates never raise.

import type { Generator } from "../random.js";
import { defaultGenerator } from "../random.js";
import { noGrad } from "../autograd/grad-mode.js";
import { eye, ones, tensor, zeros } from "../ops/creation.js";
import { Buffer } from "../nn/parameter.js";
import { Module } from "../nn/module.js";
import { checkOptionNames } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

/** The inverse of a small square matrix by Gauss-Jordan elimination with partial pivoting, in float64. */
function inverse(m: Tensor, where: string): Tensor {
  const n = m.shape[0]!;
  const a = Float64Array.from(m.dataSync());
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[piv * n + c]!)) piv = r;
    if (Math.abs(a[piv * n + c]!) < 1e-9) throw new Error(`${where}: the patterns are linearly dependent (their Gram matrix is singular); the projection rule needs independent patterns`);
    for (const arr of [a, inv])
      for (let k = 0; k < n; k++) [arr[c * n + k], arr[piv * n + k]] = [arr[piv * n + k]!, arr[c * n + k]!];
    const d = a[c * n + c]!;
    for (let k = 0; k < n; k++) { a[c * n + k]! /= d; inv[c * n + k]! /= d; }
    for (let r = 0; r < n; r++) {
      const f = a[r * n + c]!;
      if (r === c || f === 0) continue;
      for (let k = 0; k < n; k++) { a[r * n + k]! -= f * a[c * n + k]!; inv[r * n + k]! -= f * inv[c * n + k]!; }
    }
  }
  return tensor(Float32Array.from(inv), { shape: [n, n] });
}

export interface HopfieldRecallOptions {
  /** Sweeps over all neurons (async) or synchronous steps at most; stops early at a fixed point. */
  maxSteps?: number;
  /** Random visiting order of the asynchronous sweeps. */
  generator?: Generator;
  /** Called with the energy after every single-neuron update (async) or step (sync). */
  onEnergy?: (e: number) => void;
}

/**
 * A Hopfield network of `n` binary neurons sᵢ ∈ {−1, +1} (J. J. Hopfield, "Neural networks and
 * physical systems with emergent collective computational abilities", PNAS 79, 1982).
 *
 * - Storage, Hebb's rule: W = (1/N) Σ_μ ξ^μ ξ^μᵀ with wᵢᵢ = 0 (`store`, patterns [P, N] of ±1).
 * - Asynchronous update, one neuron at a time: sᵢ ← sign(Σⱼ wᵢⱼ sⱼ) (ties keep sᵢ).
 * - Synchronous update, all at once: s ← sign(W s) (may end in a 2-cycle instead of a fixed point).
 * - Energy: E(s) = −½ sᵀ W s. With symmetric W and zero diagonal an asynchronous update changes E
 *   by −|hᵢ|·|Δsᵢ| ≤ 0, so E never rises and recall ends in a local minimum.
 * - Capacity: random patterns are recalled with few errors while P ≲ 0.138 N (Amit, Gutfreund and
 *   Sompolinsky, Phys. Rev. Lett. 55, 1985); beyond that recall collapses.
 *
 * The weight is a buffer (it is set by Hebb's rule, not by gradients): state dict key `weight` [N, N].
 */
export class Hopfield extends Module {
  weight: Tensor;
  constructor(readonly n: number) {
    super();
    if (!Number.isInteger(n) || n < 1) throw new Error(`Hopfield: expected a positive number of neurons, got ${n}`);
    this.weight = Buffer(zeros([n, n]));
  }

  #check(what: string, x: Tensor): void {
    if (x.ndim < 1 || x.ndim > 2 || x.shape[x.ndim - 1] !== this.n)
      throw new Error(`Hopfield.${what}: expected states [${this.n}] or [batch, ${this.n}] of ±1, got ${fmtShape(x.shape)}`);
  }

  /**
   * Stores `patterns` [P, N] of ±1, replacing W unless `add`. `rule: "hebb"` (default): W = (1/N) Σ_μ ξ^μ ξ^μᵀ.
   * `rule: "projection"` (the pseudo-inverse rule of L. Personnaz, I. Guyon and G. Dreyfus, J. Physique
   * Lettres 46, 1985): W = Ξᵀ (Ξ Ξᵀ)⁻¹ Ξ, the projection onto the patterns' span, which makes every
   * linearly independent pattern a fixed point however correlated they are (real images are: digits
   * share their background, and Hebb's rule then merges them). Both with zero diagonal.
   */
  store(patterns: Tensor, opts: { add?: boolean; rule?: "hebb" | "projection" } = {}): this {
    checkOptionNames("Hopfield.store", opts, ["add", "rule"]);
    const { add = false, rule = "hebb" } = opts;
    this.#check("store", patterns);
    if (rule !== "hebb" && rule !== "projection") throw new Error(`Hopfield.store: rule must be "hebb" or "projection", got ${String(rule)}`);
    noGrad(() => {
      const p = patterns.reshape([-1, this.n]).float();
      const mix = rule === "hebb" ? p.t().div(this.n) : p.t().matmul(inverse(p.matmul(p.t()), "Hopfield.store"));
      const w = mix.matmul(p).mul(ones([this.n, this.n]).sub(eye(this.n)));
      this.weight.assign(add ? this.weight.add(w) : w);
    });
    return this;
  }
  /** E(s) = −½ sᵀ W s for each state: [N] → scalar, [B, N] → [B]. */
  energy(s: Tensor): Tensor {
    this.#check("energy", s);
    return noGrad(() => {
      const f = s.float();
      return f.matmul(this.weight).mul(f).sum(-1).mul(-0.5);
    });
  }

  /** One synchronous step s ← sign(W s), ties keeping the old sign. */
  forward(s: Tensor): Tensor {
    this.#check("forward", s);
    return noGrad(() => {
      const f = s.float();
      const h = f.matmul(this.weight); // W symmetric, so s·W = (W s)ᵀ
      return h.sign().add(h.eq(0).float().mul(f));
    });
  }

  /** Synchronous recall: repeats `forward` until nothing changes or `maxSteps` (default 100). */
  recallSync(s: Tensor, opts: HopfieldRecallOptions = {}): Tensor {
    checkOptionNames("Hopfield.recallSync", opts, ["maxSteps", "onEnergy"]);
    const { maxSteps = 100, onEnergy } = opts;
    let cur = s.float();
    for (let t = 0; t < maxSteps; t++) {
      const next = this.forward(cur);
      if (onEnergy) for (const e of this.energy(next).reshape([-1]).dataSync()) onEnergy(e);
      const same = next.eq(cur).all().item() !== 0;
      cur = next;
      if (same) break;
    }
    return cur;
  }

  /**
   * Asynchronous recall: sweeps over the neurons in a random order, sᵢ ← sign(Σⱼ wᵢⱼ sⱼ), until a
   * sweep changes nothing or `maxSteps` sweeps (default 100). Runs as a scalar loop over the weight
   * values: each update depends on the previous one, so there is nothing to batch.
   */
  recallAsync(s: Tensor, opts: HopfieldRecallOptions = {}): Tensor {
    checkOptionNames("Hopfield.recallAsync", opts, ["maxSteps", "generator", "onEnergy"]);
    const { maxSteps = 100, generator = defaultGenerator, onEnergy } = opts;
    this.#check("recallAsync", s);
    const n = this.n;
    const w = this.weight.float().dataSync();
    const states = Float64Array.from(s.float().dataSync());
    const rows = states.length / n;
    for (let r = 0; r < rows; r++) {
      const st = states.subarray(r * n, (r + 1) * n);
      const h = new Float64Array(n); // local fields h = W s, kept up to date incrementally
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i]! += w[i * n + j]! * st[j]!;
      let e = 0;
      if (onEnergy) for (let i = 0; i < n; i++) e -= 0.5 * st[i]! * h[i]!;
      const order = Array.from({ length: n }, (_, i) => i);
      for (let sweep = 0; sweep < maxSteps; sweep++) {
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(generator.random() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        let changed = false;
        for (const i of order) {
          const hi = h[i]!;
          const next = hi > 0 ? 1 : hi < 0 ? -1 : st[i]!;
          if (next !== st[i]) {
            const d = next - st[i]!;
            st[i] = next;
            for (let k = 0; k < n; k++) h[k]! += w[k * n + i]! * d;
            e -= hi * d; // ΔE = −hᵢ Δsᵢ (wᵢᵢ = 0)
            changed = true;
          }
          if (onEnergy) onEnergy(e);
        }
        if (!changed) break;
      }
    }
    return tensor(Float32Array.from(states), { shape: s.shape });
  }

  override toString(): string {
    return `Hopfield(${this.n})`;
  }
}
