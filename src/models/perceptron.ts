// Rosenblatt's perceptron learning rule (deck 004) and a linear support vector machine trained
// through the hinge loss (deck 001's comparison of neural networks and SVMs).

import { noGrad } from "../autograd/grad-mode.js";
import { tensor, zeros } from "../ops/creation.js";
import { Buffer } from "../nn/parameter.js";
import { Module } from "../nn/module.js";
import { Linear } from "../nn/linear.js";
import { hingeLoss } from "../nn/functional/loss.js";
import { SGD } from "../optim/sgd.js";
import { checkOptionNames, resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

export interface PerceptronFitOptions {
  /** Passes over the data at most; stops after the first epoch without an error. */
  epochs?: number;
  /** Learning rate η. */
  lr?: number;
}

/**
 * The perceptron (F. Rosenblatt, "The perceptron: a probabilistic model for information storage and
 * organization in the brain", Psychological Review 65, 1958; deck 004):
 * ŷ = step(w·x + b) ∈ {0, 1}, and for each sample in turn the learning rule
 * w ← w + η (y − ŷ) x, b ← b + η (y − ŷ).
 * The perceptron convergence theorem (Novikoff 1962) guarantees an epoch without errors when the
 * classes are linearly separable (AND, OR); on XOR no line separates them and every epoch errs.
 * State dict: `weight` [inFeatures], `bias` [] (buffers: learned by the rule, not by gradients).
 */
export class Perceptron extends Module {
  weight: Tensor;
  bias: Tensor;
  constructor(readonly inFeatures: number) {
    super();
    this.weight = Buffer(zeros([inFeatures]));
    this.bias = Buffer(zeros([]));
  }

  /** step(x·w + b): [B, inFeatures] → [B] of 0/1. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures)
      throw new Error(`Perceptron: expected input [batch, ${this.inFeatures}], got ${fmtShape(x.shape)}`);
    return noGrad(() => x.float().matmul(this.weight).add(this.bias).gt(0).float());
  }

  /**
   * Runs the learning rule sample by sample, in order, over x [B, inFeatures] and labels y [B] of
   * 0/1. Returns the number of misclassified samples in each epoch (the last is 0 if it converged).
   */
  fit(x: Tensor, y: Tensor, opts: PerceptronFitOptions = {}): number[] {
    checkOptionNames("Perceptron.fit", opts, ["epochs", "lr"]);
    const { epochs = 100, lr = 1 } = opts;
    const n = x.shape[0]!;
    if (y.ndim !== 1 || y.shape[0] !== n) throw new Error(`Perceptron.fit: expected labels [${n}] of 0/1, got ${fmtShape(y.shape)}`);
    const xs = x.float().dataSync(), ys = y.float().dataSync(), d = this.inFeatures;
    const w = Float64Array.from(this.weight.dataSync());
    let b = this.bias.item();
    const errors: number[] = [];
    for (let e = 0; e < epochs; e++) {
      let wrong = 0;
      for (let i = 0; i < n; i++) {
        let s = b;
        for (let j = 0; j < d; j++) s += w[j]! * xs[i * d + j]!;
        const delta = ys[i]! - (s > 0 ? 1 : 0);
        if (delta === 0) continue;
        wrong++;
        for (let j = 0; j < d; j++) w[j]! += lr * delta * xs[i * d + j]!;
        b += lr * delta;
      }
      errors.push(wrong);
      if (wrong === 0) break;
    }
    noGrad(() => {
      this.weight.assign(tensor(Float32Array.from(w)));
      this.bias.assign(b);
    });
    return errors;
  }
}

export interface LinearSVMOptions {
  /** Weight of the margin term ½‖w‖² against the mean hinge loss (λ in J = λ/2 ‖w‖² + mean hinge). */
  lambda?: number;
}

export interface LinearSVMFitOptions {
  epochs?: number;
  lr?: number;
}

/**
 * A linear soft-margin support vector machine (Cortes and Vapnik, "Support-vector networks", Machine
 * Learning 20, 1995), trained in the primal by gradient descent on
 * J(w, b) = λ/2 ‖w‖² + (1/B) Σᵢ max(0, 1 − yᵢ (w·xᵢ + b)), yᵢ ∈ {−1, +1}
 * (the hinge loss of deck 002; deck 001 sets SVMs beside neural networks). forward gives the score
 * w·x + b; its sign is the class. Parameters: `linear.weight` [1, in], `linear.bias` [1].
 */
export class LinearSVM extends Module {
  linear: Linear;
  readonly lambda: number;
  constructor(readonly inFeatures: number, ...args: Args<[], LinearSVMOptions>) {
    super();
    ({ lambda: this.lambda } = resolveArgs<Required<LinearSVMOptions>>("models.LinearSVM", args, [], { lambda: 1e-3 }));
    this.linear = new Linear(inFeatures, 1);
  }

  /** The score w·x + b: [B, in] → [B]. */
  forward(x: Tensor): Tensor {
    return this.linear.forward(x).reshape([-1]);
  }

  /** The objective J above for labels y [B] of ±1 (differentiable). */
  objective(x: Tensor, y: Tensor): Tensor {
    return hingeLoss(this.forward(x), y.float()).add(this.linear.weight.square().sum().mul(this.lambda / 2));
  }

  /** Full-batch gradient descent on J; returns J after each epoch. */
  fit(x: Tensor, y: Tensor, opts: LinearSVMFitOptions = {}): number[] {
    checkOptionNames("LinearSVM.fit", opts, ["epochs", "lr"]);
    const { epochs = 200, lr = 0.1 } = opts;
    const opt = new SGD(this.parameters(), { lr });
    const history: number[] = [];
    for (let e = 0; e < epochs; e++) {
      opt.zeroGrad();
      const j = this.objective(x, y);
      j.backward();
      opt.step();
      history.push(j.item());
    }
    return history;
  }
}
