// Semi-supervised learning from unlabelled inputs: virtual adversarial training (Miyato, Maeda,
// Koyama and Ishii, IEEE TPAMI 2018), a consistency loss that needs no labels.

import { grad } from "../autograd/grad.js";
import { noGrad } from "../autograd/grad-mode.js";
import { randn } from "../ops/creation.js";
import { checkOptionNames } from "../options.js";
import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import type { Module } from "../nn/module.js";

export interface VATOptions {
  /** ε: the norm of the adversarial perturbation (default 6, a value for [0, 1] pixels of 784-pixel digits). */
  eps?: number;
  /** ξ: the norm of the probe step in the power iteration (default 0.1). */
  xi?: number;
  /** Draws the power iteration's random start (default: the global generator). */
  generator?: Generator;
}

/** KL(p ‖ q) of the softmaxes of logit rows, averaged over rows. */
function klLogits(p: Tensor, q: Tensor): Tensor {
  return p.softmax(1).mul(p.logSoftmax(1).sub(q.logSoftmax(1))).sum(1).mean();
}

const unitRows = (d: Tensor): Tensor => d.div(d.flatten(1).norm(2, 1, true).add(1e-12).reshape([d.shape[0]!, ...d.shape.slice(1).map(() => 1)]));

/**
 * The virtual adversarial loss of `model` (logits) at unlabelled inputs x (Miyato et al. 2018,
 * eqs. 5-13): with p = softmax(model(x)) held fixed, one power iteration finds the direction
 * r = ε·g/‖g‖, g = ∇_d KL(p ‖ softmax(model(x + ξd))) at a random unit d, to which the prediction is
 * most sensitive, and the loss is KL(p ‖ softmax(model(x + r))): minimising it makes the model smooth
 * around every input, labelled or not. Differentiable in the model's parameters; the probe's
 * gradient does not touch their .grad.
 */
export function vatLoss(model: Module<[Tensor], Tensor>, x: Tensor, opts: VATOptions = {}): Tensor {
  checkOptionNames("models.vatLoss", opts, ["eps", "xi", "generator"]);
  const { eps = 6, xi = 0.1, generator } = opts;
  const p = noGrad(() => model.forward(x));
  const d = unitRows(randn(x.shape, { generator }));
  d.requiresGrad = true;
  const [g] = grad(klLogits(p, model.forward(x.add(d.mul(xi)))), d);
  const r = noGrad(() => unitRows(g!).mul(eps));
  return klLogits(p, model.forward(x.add(r)));
}
