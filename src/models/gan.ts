// Generative adversarial networks (Goodfellow et al., NeurIPS 2014): both players in one module,
// the discriminator and non-saturating generator losses, and a custom fit step with two optimizers.

import { noGrad } from "../autograd/grad-mode.js";
import { onesLike, randn, zerosLike } from "../ops/creation.js";
import { checkOptionNames, type Args } from "../options.js";
import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { Module } from "../nn/module.js";
import { binaryCrossEntropyWithLogits } from "../nn/functional/loss.js";
import type { StepContext, StepFn } from "../train/step.js";

type Net = Module<[Tensor], Tensor>;

export interface GANOptions {
  /** Draws the latent z ~ N(0, I) (default: the global generator). */
  generator?: Generator;
}

/**
 * A GAN: the generator G maps z ~ N(0, I) of `latentSize` to samples, the discriminator D maps a
 * sample to one logit (real vs fake). forward(z) = G(z). Holding both in one module gives one state
 * dict (`generator.*`, `discriminator.*`) for checkpoints.
 */
export class GAN extends Module<[Tensor], Tensor> {
  generator: Net;
  discriminator: Net;
  rng: Generator | undefined;
  constructor(generator: Net, discriminator: Net, readonly latentSize: number, ...args: Args<[], GANOptions>) {
    super();
    const { generator: rng } = this.configure<GANOptions>("models.GAN", { latentSize }, args, [], { generator: undefined });
    if (!Number.isInteger(latentSize) || latentSize < 1) throw new Error(`models.GAN: latentSize must be a positive integer, got ${latentSize}`);
    this.generator = generator;
    this.discriminator = discriminator;
    this.rng = rng;
  }
  forward(z: Tensor): Tensor {
    return this.generator.forward(z);
  }
  /** n latent vectors z ~ N(0, I). */
  latent(n: number): Tensor {
    return randn([n, this.latentSize], { generator: this.rng });
  }
  /** n samples G(z) without gradients. */
  sample(n: number): Tensor {
    return noGrad(() => this.generator.forward(this.latent(n)));
  }
}

/**
 * The discriminator's loss −[log D(x) + log(1 − D(G(z)))] (Goodfellow et al. 2014, eq. 1) as binary
 * cross-entropy on logits, averaged over the batch; `fakeLogits` should come from detached fakes.
 * realLabel < 1 is one-sided label smoothing (Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016, §3.4):
 * the target for real samples becomes realLabel, for fakes it stays 0.
 */
export function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor, realLabel = 1): Tensor {
  return binaryCrossEntropyWithLogits(realLogits, onesLike(realLogits).mul(realLabel)).add(binaryCrossEntropyWithLogits(fakeLogits, zerosLike(fakeLogits)));
}

/** The non-saturating generator loss −log D(G(z)) (Goodfellow et al. 2014, §3, the heuristic that gives strong early gradients). */
export function generatorLoss(fakeLogits: Tensor): Tensor {
  return binaryCrossEntropyWithLogits(fakeLogits, onesLike(fakeLogits));
}

const optimizerOf = (ctx: StepContext, name: string): StepContext["optimizer"] => {
  const o = ctx.optimizers[name];
  if (!o) throw new Error(`models.ganStep: fit's optimizer must be an OptimizerGroup with '${name}' (has: ${Object.keys(ctx.optimizers).join(", ")})`);
  return o;
};

export interface GANStepOptions {
  /** The discriminator's target for real samples (default 1; 0.9 is one-sided label smoothing, Salimans et al. 2016). */
  realLabel?: number;
}

/**
 * A custom fit step for `gan` (pass manualOptimization: true and an OptimizerGroup({ generator,
 * discriminator })): one discriminator update on the real batch and G(z) detached, then one
 * generator update (Goodfellow et al. 2014, Algorithm 1 with k = 1). The batch is the real samples
 * (a Tensor, or a tuple whose first element is). Logs lossD, lossG and D's mean outputs on real and fake.
 */
export function ganStep(gan: GAN, opts: GANStepOptions = {}): StepFn {
  checkOptionNames("models.ganStep", opts, ["realLabel"]);
  const { realLabel = 1 } = opts;
  if (!(realLabel > 0 && realLabel <= 1)) throw new Error(`models.ganStep: realLabel must be in (0, 1], got ${realLabel}`);
  return (batch, ctx) => {
    const real = (Array.isArray(batch) ? batch[0] : batch) as Tensor;
    const n = real.shape[0]!;
    const optD = optimizerOf(ctx, "discriminator");
    const optG = optimizerOf(ctx, "generator");
    const d = gan.discriminator;
    optD.zeroGrad();
    const fake = gan.generator.forward(gan.latent(n));
    const realLogits = d.forward(real);
    const fakeLogits = d.forward(fake.detach());
    const lossD = discriminatorLoss(realLogits, fakeLogits, realLabel);
    lossD.backward();
    optD.step();
    optG.zeroGrad();
    const lossG = generatorLoss(d.forward(gan.generator.forward(gan.latent(n))));
    lossG.backward();
    optG.step();
    return { lossD, lossG, dReal: noGrad(() => realLogits.sigmoid().mean()), dFake: noGrad(() => fakeLogits.sigmoid().mean()) };
  };
}
