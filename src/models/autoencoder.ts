// Auto-encoders as MLPs (deck 002): the plain one (learned lossy compression), input corruption for
// the denoising one, and the two sparsity penalties of the sparse one (L1 and KL(ρ ‖ ρ̂)).

import { randLike, randnLike } from "../ops/creation.js";
import { cast } from "../ops/elementwise.js";
import { resolveArgs, type Args } from "../options.js";
import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { Sequential } from "../nn/container.js";
import { Linear } from "../nn/linear.js";
import { ReLU, Sigmoid, Tanh } from "../nn/activation.js";
import { Module } from "../nn/module.js";

export type Activation = "relu" | "sigmoid" | "tanh";

export interface AutoEncoderOptions {
  /** Hidden activation (default 'relu'; 'sigmoid' for the sparse auto-encoder, whose ρ̂ must lie in (0, 1)). */
  activation?: Activation;
  /** Output activation: 'sigmoid' (default, pixels in [0, 1]) or 'none' (logits / real values). */
  outputActivation?: "sigmoid" | "none";
  /** The code layer's activation (default: the hidden one); 'none' gives a linear code, as DEC's auto-encoder has. */
  codeActivation?: Activation | "none";
}

const act = (a: Activation): Module => (a === "relu" ? new ReLU() : a === "sigmoid" ? new Sigmoid() : new Tanh());

/** Linear layers through `sizes`, an activation after each (the last one's is `last`). */
function mlp(sizes: readonly number[], hidden: Activation, last: Activation | "none"): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!));
    const a = i + 2 < sizes.length ? hidden : last;
    if (a !== "none") layers.push(act(a));
  }
  return new Sequential(...layers);
}

/**
 * An MLP auto-encoder: `sizes` = [input, hidden…, code]; the decoder mirrors the encoder.
 * x̂ = g(f(x)), trained to minimise a reconstruction error ‖x − x̂‖² (or the cross-entropy for
 * pixels in [0, 1]); a code narrower than the input makes it a learned lossy compression
 * (Goodfellow, Bengio & Courville, Deep Learning, §14.1; Hinton & Salakhutdinov, Science 2006).
 * The code layer gets the hidden activation too, unless codeActivation says otherwise. State dict: `encoder.*`, `decoder.*`.
 * @example const ae = new AutoEncoder([784, 128, 32]); const xHat = ae.forward(x);
 */
export class AutoEncoder extends Module {
  encoder: Sequential;
  decoder: Sequential;
  constructor(readonly sizes: number[], ...args: Args<[], AutoEncoderOptions>) {
    super();
    const o = this.configure<AutoEncoderOptions>("models.AutoEncoder", { sizes }, args, [], { activation: "relu", outputActivation: "sigmoid", codeActivation: undefined });
    const activation = o.activation!;
    const outputActivation = o.outputActivation!;
    const codeActivation = o.codeActivation ?? activation;
    if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1))
      throw new Error(`models.AutoEncoder: sizes must be ≥ 2 positive integers [input, …, code], got [${String(sizes)}]`);
    if (!["relu", "sigmoid", "tanh"].includes(activation)) throw new Error(`models.AutoEncoder: activation must be 'relu', 'sigmoid' or 'tanh', got '${activation}'`);
    if (!["sigmoid", "none"].includes(outputActivation)) throw new Error(`models.AutoEncoder: outputActivation must be 'sigmoid' or 'none', got '${outputActivation}'`);
    if (!["relu", "sigmoid", "tanh", "none"].includes(codeActivation)) throw new Error(`models.AutoEncoder: codeActivation must be 'relu', 'sigmoid', 'tanh' or 'none', got '${codeActivation}'`);
    this.encoder = mlp(sizes, activation, codeActivation);
    this.decoder = mlp([...sizes].reverse(), activation, outputActivation === "sigmoid" ? "sigmoid" : "none");
  }
  /** The code h = f(x). */
  encode(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }
  /** The reconstruction g(h). */
  decode(h: Tensor): Tensor {
    return this.decoder.forward(h);
  }
  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }
}

export interface CorruptOptions {
  /** 'gaussian': x + σ·ε clamped to [0, 1] (default); 'masking': each input zeroed with probability p. */
  kind?: "gaussian" | "masking";
  /** σ for 'gaussian', p for 'masking' (default 0.5). */
  level?: number;
  generator?: Generator;
}

/**
 * The corruption x̃ ~ C(x̃ | x) of a denoising auto-encoder, which is trained to rebuild the clean
 * x from x̃: loss L(x, g(f(x̃))) (Vincent, Larochelle, Bengio & Manzagol, ICML 2008, masking noise;
 * additive Gaussian noise as in Vincent et al., JMLR 2010, §4.2). Pixel inputs stay in [0, 1].
 */
export function corrupt(x: Tensor, ...args: Args<[kind: "gaussian" | "masking", level: number], CorruptOptions>): Tensor {
  const { kind, level, generator } = resolveCorrupt(args);
  if (kind === "masking") return x.mul(cast(randLike(x, { generator }).gt(level), x.dtype));
  return x.add(randnLike(x, { generator }).mul(level)).clamp(0, 1);
}

type Corruption = Required<Omit<CorruptOptions, "generator">> & { generator?: Generator };

function resolveCorrupt(args: readonly unknown[]): Corruption {
  const o = resolveArgs<Corruption>("models.corrupt", args, ["kind", "level"], { kind: "gaussian", level: 0.5, generator: undefined });
  if (o.kind !== "gaussian" && o.kind !== "masking") throw new Error(`models.corrupt: kind must be 'gaussian' or 'masking', got '${String(o.kind)}'`);
  if (!(o.level >= 0) || (o.kind === "masking" && o.level > 1)) throw new Error(`models.corrupt: level must be ${o.kind === "masking" ? "a probability in [0, 1]" : "≥ 0"}, got ${o.level}`);
  return o;
}

/**
 * L1 sparsity penalty on a batch of codes h [N, H]: mean over the batch of Σⱼ |hⱼ| (Goodfellow et
 * al., Deep Learning, §14.2.1, Ω(h) = λ Σ|hᵢ|); multiply by λ and add it to the reconstruction loss.
 */
export function l1Sparsity(h: Tensor): Tensor {
  if (h.ndim !== 2) throw new Error(`models.l1Sparsity: expected codes [N, H], got [${h.shape.join(", ")}]`);
  return h.abs().sum(1).mean();
}

/**
 * KL sparsity penalty Σⱼ KL(ρ ‖ ρ̂ⱼ) = Σⱼ ρ log(ρ/ρ̂ⱼ) + (1 − ρ) log((1 − ρ)/(1 − ρ̂ⱼ)), with
 * ρ̂ⱼ the mean activation of hidden unit j over the batch, for activations in (0, 1) (sigmoid);
 * pushes each unit's mean activation towards the target ρ (Ng, CS294A lecture notes "Sparse
 * autoencoder", 2011, §3). ρ̂ is clamped to [1e-6, 1 − 1e-6] so a saturated unit gives a finite value.
 */
export function klSparsity(h: Tensor, rho: number): Tensor {
  if (h.ndim !== 2) throw new Error(`models.klSparsity: expected codes [N, H], got [${h.shape.join(", ")}]`);
  if (!(rho > 0 && rho < 1)) throw new Error(`models.klSparsity: rho must lie in (0, 1), got ${rho}`);
  const rhoHat = h.mean(0).clamp(1e-6, 1 - 1e-6);
  const oneMinus = rhoHat.mul(-1).add(1);
  return rhoHat.log().mul(-rho).add(rho * Math.log(rho)).add(oneMinus.log().mul(-(1 - rho)).add((1 - rho) * Math.log(1 - rho))).sum();
}
