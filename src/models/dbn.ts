// Deep belief networks: a stack of RBMs pre-trained greedily, layer by layer, then unrolled into a
// sigmoid network and fine-tuned as a classifier by backpropagation (deck 001).

import { noGrad } from "../autograd/grad-mode.js";
import { randperm } from "../ops/creation.js";
import { Sigmoid } from "../nn/activation.js";
import { Sequential } from "../nn/container.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { ModuleList } from "../nn/container.js";
import { SGD } from "../optim/sgd.js";
import { checkOptionNames } from "../options.js";
import type { Generator } from "../random.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { RBM } from "./rbm.js";

export interface PretrainOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  momentum?: number;
  /** Gibbs steps of CD-k. */
  k?: number;
  persistent?: boolean;
  generator?: Generator;
}

/**
 * A deep belief network (G. E. Hinton, S. Osindero and Y.-W. Teh, "A fast learning algorithm for
 * deep belief nets", Neural Computation 18, 2006): RBMs of sizes[0]↔sizes[1], sizes[1]↔sizes[2], ….
 * `pretrain` trains them greedily: RBM ℓ learns by CD-k on p(h | ·) of the layer below, whose weights
 * are then frozen. `classifier(nClasses)` unrolls the stack into Linear + Sigmoid layers initialised
 * with the RBM weights and hidden biases, with a fresh Linear output layer on top, for fine-tuning by
 * backpropagation. forward(v) gives the top layer's p(h | v).
 */
export class DBN extends Module {
  rbms: ModuleList;
  constructor(readonly sizes: readonly number[], { generator }: { generator?: Generator } = {}) {
    super();
    if (sizes.length < 2) throw new Error(`models.DBN: expected at least two layer sizes, got [${sizes.join(", ")}]`);
    this.rbms = new ModuleList(sizes.slice(1).map((h, i) => new RBM(sizes[i]!, h, generator ? { generator } : {})));
  }

  get layers(): RBM[] {
    return [...this.rbms] as RBM[];
  }

  forward(v: Tensor): Tensor {
    if (v.ndim !== 2 || v.shape[1] !== this.sizes[0]) throw new Error(`models.DBN: expected input [batch, ${this.sizes[0]}], got ${fmtShape(v.shape)}`);
    return this.layers.reduce((x, rbm) => rbm.forward(x), v);
  }

  /** Greedy layer-wise CD-k pre-training on data x [N, sizes[0]] in [0, 1]; returns each RBM's final reconstruction error. */
  pretrain(x: Tensor, opts: PretrainOptions = {}): number[] {
    checkOptionNames("DBN.pretrain", opts, ["epochs", "batchSize", "lr", "momentum", "k", "persistent", "generator"]);
    const { epochs = 10, batchSize = 50, lr = 0.1, momentum = 0.5, k = 1, persistent = false, generator } = opts;
    const errors: number[] = [];
    let input = x;
    for (const rbm of this.layers) {
      const opt = new SGD(rbm.parameters(), { lr, momentum });
      const n = input.shape[0]!;
      for (let e = 0; e < epochs; e++) {
        const perm = randperm(n, generator ? { generator } : {});
        for (let b = 0; b + batchSize <= n; b += batchSize) {
          opt.zeroGrad();
          rbm.contrastiveDivergence(input.indexSelect(0, perm.narrow(0, b, batchSize)), { k, persistent, ...(generator ? { generator } : {}) }).backward();
          opt.step();
        }
      }
      errors.push(rbm.reconstructionError(input));
      const below = input;
      input = noGrad(() => rbm.forward(below));
    }
    return errors;
  }

  /** The unrolled network sizes[0] → … → sizes[L] → nClasses with the RBM weights copied in (logits out). */
  classifier(nClasses: number): Sequential {
    const layers: Module[] = [];
    for (const rbm of this.layers) {
      const lin = new Linear(rbm.nVisible, rbm.nHidden);
      noGrad(() => {
        lin.weight.assign(rbm.weight.detach());
        lin.bias!.assign(rbm.hBias.detach());
      });
      layers.push(lin, new Sigmoid());
    }
    layers.push(new Linear(this.sizes.at(-1)!, nClasses));
    return new Sequential(...layers);
  }
}
