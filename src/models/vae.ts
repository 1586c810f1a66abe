// The variational auto-encoder (Kingma & Welling, ICLR 2014) as an MLP with a Bernoulli decoder:
// the reparameterised sample z = μ + σ·ε, the closed-form KL to N(0, I), and the negative ELBO.

import { noGrad } from "../autograd/grad-mode.js";
import { randn, randnLike } from "../ops/creation.js";
import type { Args } from "../options.js";
import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { binaryCrossEntropyWithLogits } from "../nn/functional/loss.js";

export interface VAEOutput {
  /** Decoder logits of p(x | z) (Bernoulli per input); sigmoid gives the reconstruction. */
  logits: Tensor;
  mu: Tensor;
  /** log σ², learned (the encoder's second head). */
  logvar: Tensor;
  z: Tensor;
}

export interface VAEOptions {
  /** Draws ε in z = μ + σ·ε (default: the global generator). */
  generator?: Generator;
}

/**
 * A VAE: encoder x → h = relu(W₁x) → (μ, log σ²); z = μ + σ ⊙ ε with ε ~ N(0, I) (the
 * reparameterisation trick, Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, §2.4);
 * decoder z → relu → logits of a Bernoulli p(x | z). In eval mode z = μ (no noise), as in the
 * usual reconstructions. Train it by minimising vaeLoss (the negative ELBO).
 * State dict: fc1, fcMu, fcLogvar, fc2, fc3 (weight, bias).
 */
export class VAE extends Module<[Tensor], VAEOutput> {
  fc1: Linear;
  fcMu: Linear;
  fcLogvar: Linear;
  fc2: Linear;
  fc3: Linear;
  generator: Generator | undefined;
  constructor(readonly inputSize: number, readonly hiddenSize: number, readonly latentSize: number, ...args: Args<[], VAEOptions>) {
    super();
    const { generator } = this.configure<VAEOptions>("models.VAE", { inputSize, hiddenSize, latentSize }, args, [], { generator: undefined });
    for (const [k, v] of Object.entries({ inputSize, hiddenSize, latentSize }))
      if (!Number.isInteger(v) || v < 1) throw new Error(`models.VAE: ${k} must be a positive integer, got ${v}`);
    this.generator = generator;
    this.fc1 = new Linear(inputSize, hiddenSize);
    this.fcMu = new Linear(hiddenSize, latentSize);
    this.fcLogvar = new Linear(hiddenSize, latentSize);
    this.fc2 = new Linear(latentSize, hiddenSize);
    this.fc3 = new Linear(hiddenSize, inputSize);
  }
  /** q(z | x) = N(μ, diag σ²): returns μ and log σ². */
  encode(x: Tensor): { mu: Tensor; logvar: Tensor } {
    const h = this.fc1.forward(x).relu();
    return { mu: this.fcMu.forward(h), logvar: this.fcLogvar.forward(h) };
  }
  /** z = μ + exp(½ log σ²) ⊙ ε, ε ~ N(0, I). */
  reparameterize(mu: Tensor, logvar: Tensor): Tensor {
    return mu.add(logvar.mul(0.5).exp().mul(randnLike(mu, { generator: this.generator })));
  }
  /** Logits of p(x | z). */
  decode(z: Tensor): Tensor {
    return this.fc3.forward(this.fc2.forward(z).relu());
  }
  forward(x: Tensor): VAEOutput {
    const { mu, logvar } = this.encode(x);
    const z = this.training ? this.reparameterize(mu, logvar) : mu;
    return { logits: this.decode(z), mu, logvar, z };
  }
  /** n samples x ~ p(x | z), z ~ N(0, I), as Bernoulli means (pixels in [0, 1]), without gradients. */
  sample(n: number, generator?: Generator): Tensor {
    return noGrad(() => this.decode(randn([n, this.latentSize], { generator: generator ?? this.generator })).sigmoid());
  }
}

/**
 * KL(N(μ, σ²) ‖ N(0, I)) = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²), per sample, averaged over the batch
 * (Kingma & Welling 2014, Appendix B).
 */
export function gaussianKl(mu: Tensor, logvar: Tensor): Tensor {
  return logvar.add(1).sub(mu.square()).sub(logvar.exp()).sum(-1).mul(-0.5).mean();
}

/**
 * The negative ELBO per sample, −E_q[log p(x | z)] + KL(q(z | x) ‖ N(0, I)), with a Bernoulli
 * decoder: the reconstruction term is the binary cross-entropy of the logits summed over the
 * inputs (one z sample, as in Kingma & Welling 2014, eq. 10). In nats; lower is better.
 * `beta` weighs the KL (β-VAE, Higgins et al., ICLR 2017; 1 gives the ELBO).
 */
export function vaeLoss(out: Pick<VAEOutput, "logits" | "mu" | "logvar">, x: Tensor, beta = 1): { loss: Tensor; recon: Tensor; kl: Tensor } {
  if (out.logits.shape.join() !== x.shape.join()) throw new Error(`models.vaeLoss: logits [${out.logits.shape.join(", ")}] and x [${x.shape.join(", ")}] differ in shape`);
  const recon = binaryCrossEntropyWithLogits(out.logits, x, { reduction: "sum" }).div(x.shape[0] ?? 1);
  const kl = gaussianKl(out.mu, out.logvar);
  return { loss: recon.add(kl.mul(beta)), recon, kl };
}
