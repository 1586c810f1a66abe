// A DDPM-style diffusion model (Ho, Jain & Abbeel, NeurIPS 2020): the forward noising process with
// a linear β schedule, the ε-prediction loss, and ancestral sampling, around any ε-network.

import { noGrad } from "../autograd/grad-mode.js";
import { cat } from "../ops/movement.js";
import { randn, randnLike, tensor } from "../ops/creation.js";
import { checkOptionNames, type Args } from "../options.js";
import { defaultGenerator, type Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { Module } from "../nn/module.js";
import { mseLoss } from "../nn/functional/loss.js";

export interface DDPMOptions {
  /** Diffusion steps T (default 100). */
  timesteps?: number;
  /** β₁ and β_T of the linear schedule (default Ho et al.'s 1e-4 and 0.02 for T = 1000, scaled by 1000/T). */
  betaStart?: number;
  betaEnd?: number;
  /**
   * Features of the step t fed to the ε-network beside x_t (default 0: the single feature t/T). An even d > 0 gives
   * Ho et al.'s sinusoidal embedding, the Transformer's (Vaswani et al. 2017, §3.5): sin(t·ω_i), cos(t·ω_i),
   * ω_i = 10000^(−2i/d) for i < d/2.
   */
  timeEmbedding?: number;
  /** Draws t, ε and the sampling noise (default: the global generator). */
  generator?: Generator;
}

export interface DDPMSampleOptions {
  /** Clamp each step's predicted x̂₀ to [lo, hi], the data's range (default: no clamping). */
  clipDenoised?: [number, number];
}

/**
 * DDPM around an ε-network `net`: net(cat([x_t, emb(t)], -1)) → ε̂ with the shape of x_t ([N, D]), emb(t) = t/T or
 * the sinusoidal embedding of `timeEmbedding`.
 * Forward process q(x_t | x₀) = N(√ᾱ_t x₀, (1 − ᾱ_t) I), ᾱ_t = Π_{s≤t}(1 − β_s); training loss
 * ‖ε − ε_θ(√ᾱ_t x₀ + √(1 − ᾱ_t) ε, t)‖² with t uniform (Ho et al. 2020, Algorithm 1, L_simple);
 * sampling x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) · ε̂)/√α_t + √β_t · z (Algorithm 2, σ_t² = β_t).
 * forward(xt, t) returns ε̂ for integer steps t (one per row, 0-based).
 */
export class DDPM extends Module<[Tensor, number[]], Tensor> {
  net: Module<[Tensor], Tensor>;
  readonly timesteps: number;
  readonly betas: Float64Array;
  readonly alphaBars: Float64Array;
  readonly timeEmbedding: number;
  rng: Generator | undefined;
  constructor(net: Module<[Tensor], Tensor>, ...args: Args<[], DDPMOptions>) {
    super();
    const probe = resolveTimesteps(args);
    const o = this.configure<Required<Omit<DDPMOptions, "generator">> & { generator: Generator | undefined }>("models.DDPM", {}, args, [], {
      timesteps: 100, betaStart: 0.1 / probe, betaEnd: 20 / probe, timeEmbedding: 0, generator: undefined,
    });
    if (!Number.isInteger(o.timeEmbedding) || o.timeEmbedding < 0 || o.timeEmbedding % 2 !== 0) throw new Error(`models.DDPM: timeEmbedding must be 0 (the feature t/T) or an even number of sinusoidal features, got ${o.timeEmbedding}`);
    this.timeEmbedding = o.timeEmbedding;
    if (!(o.betaStart > 0 && o.betaEnd < 1 && o.betaStart <= o.betaEnd)) throw new Error(`models.DDPM: need 0 < betaStart ≤ betaEnd < 1, got ${o.betaStart} and ${o.betaEnd}`);
    this.net = net;
    this.timesteps = o.timesteps;
    this.rng = o.generator;
    const T = o.timesteps;
    this.betas = Float64Array.from({ length: T }, (_, t) => o.betaStart + (T === 1 ? 0 : ((o.betaEnd - o.betaStart) * t) / (T - 1)));
    this.alphaBars = new Float64Array(T);
    let prod = 1;
    this.betas.forEach((b, t) => (this.alphaBars[t] = prod *= 1 - b));
  }

  forward(xt: Tensor, t: number[]): Tensor {
    if (!Array.isArray(t)) throw new TypeError(`models.DDPM: forward(xt, t) needs the step t of each row (an array of integers in [0, ${this.timesteps})), got ${typeof t}`);
    if (xt.ndim !== 2 || xt.shape[0] !== t.length) throw new Error(`models.DDPM: expected x_t [N, D] and N steps, got [${xt.shape.join(", ")}] and ${t.length}`);
    return this.net.forward(cat([xt, this.embed(t)], -1));
  }

  /** The step features [N, 1] (t/T) or [N, d] (sinusoidal) that the ε-network sees. */
  embed(t: number[]): Tensor {
    const d = this.timeEmbedding;
    if (d === 0) return column(t.map((s) => s / this.timesteps));
    const v = new Float32Array(t.length * d);
    t.forEach((s, n) => {
      for (let i = 0; i < d / 2; i++) {
        const a = s * Math.pow(10000, (-2 * i) / d);
        v[n * d + i] = Math.sin(a);
        v[n * d + d / 2 + i] = Math.cos(a);
      }
    });
    return tensor(v).reshape([t.length, d]);
  }

  /** L_simple for a batch x₀ [N, D]: the mean squared error of the predicted noise. */
  loss(x0: Tensor): Tensor {
    const g = this.rng ?? defaultGenerator;
    const n = x0.shape[0]!;
    const t = Array.from({ length: n }, () => g.integer(0, this.timesteps));
    const eps = randnLike(x0, { generator: this.rng });
    const xt = x0.mul(column(t.map((s) => Math.sqrt(this.alphaBars[s]!)))).add(eps.mul(column(t.map((s) => Math.sqrt(1 - this.alphaBars[s]!)))));
    return mseLoss(this.forward(xt, t), eps);
  }

  /**
   * n samples of dimension `dim` by ancestral sampling from x_T ~ N(0, I), without gradients. With `clipDenoised: [lo, hi]`
   * each step goes through the predicted x̂₀ = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t clamped to the data's range, then the posterior
   * mean μ̃_t = √ᾱ_{t−1}β_t/(1 − ᾱ_t)·x̂₀ + √α_t(1 − ᾱ_{t−1})/(1 − ᾱ_t)·x_t (Ho et al. 2020, eq. 7, and their code's
   * clip_denoised); unclamped, μ̃_t equals Algorithm 2's mean.
   */
  sample(n: number, dim: number, opts: DDPMSampleOptions = {}): Tensor {
    checkOptionNames("models.DDPM.sample", opts, ["clipDenoised"]);
    const { clipDenoised } = opts;
    if (clipDenoised && !(clipDenoised[0] < clipDenoised[1])) throw new Error(`models.DDPM.sample: clipDenoised must be [lo, hi] with lo < hi, got [${clipDenoised.join(", ")}]`);
    return noGrad(() => {
      let x = randn([n, dim], { generator: this.rng });
      for (let t = this.timesteps - 1; t >= 0; t--) {
        const beta = this.betas[t]!;
        const eps = this.forward(x, new Array<number>(n).fill(t));
        const ab = this.alphaBars[t]!;
        if (clipDenoised) {
          const abPrev = t > 0 ? this.alphaBars[t - 1]! : 1;
          const x0 = x.sub(eps.mul(Math.sqrt(1 - ab))).div(Math.sqrt(ab)).clamp(clipDenoised[0], clipDenoised[1]);
          x = x0.mul((Math.sqrt(abPrev) * beta) / (1 - ab)).add(x.mul((Math.sqrt(1 - beta) * (1 - abPrev)) / (1 - ab)));
        } else x = x.sub(eps.mul(beta / Math.sqrt(1 - ab))).div(Math.sqrt(1 - beta));
        if (t > 0) x = x.add(randnLike(x, { generator: this.rng }).mul(Math.sqrt(beta)));
      }
      return x;
    });
  }
}

const column = (v: number[]): Tensor => tensor(v).reshape([v.length, 1]);

function resolveTimesteps(args: readonly unknown[]): number {
  const o = (args[0] ?? {}) as DDPMOptions;
  const T = typeof o === "object" && o.timesteps !== undefined ? o.timesteps : 100;
  if (!Number.isInteger(T) || T < 1) throw new Error(`models.DDPM: timesteps must be a positive integer, got ${String(T)}`);
  return T;
}
