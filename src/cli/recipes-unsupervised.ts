// Recipes that learn from unlabelled digits: the clustering auto-encoder (DEC: pre-training, k-means
// on the codes, then self-training), trained in phases through fit's trainStep, with its pictures.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { F, models, nn, noGrad, optim, stack, type Tensor } from "../index.js";
import type { Recipe } from "./recipes.js";
import { imageGridPng } from "./images.js";
import { all, asModel, digits, first, shape, type Samples } from "./recipes-generative.js";

/** The first n inputs of any dataset of [x, y] samples, stacked. */
export function inputsOf(ds: Samples, n = ds.length): Tensor {
  return stack(Array.from({ length: Math.min(n, ds.length) }, (_, i) => ds.get(i)[0]));
}

/** An auto-encoder and DEC sharing its encoder: the recipe's model (state dict `ae.*`, `dec.centroids`). */
export class ClusteringAE extends nn.Module<[Tensor], Tensor> {
  ae: models.AutoEncoder;
  dec: models.DEC;
  constructor(readonly clusters = 10, readonly codeSize = 10) {
    super();
    this.ae = new models.AutoEncoder([784, 256, codeSize], { codeActivation: "none" });
    this.dec = new models.DEC(this.ae.encoder, clusters, codeSize);
  }
  forward(x: Tensor): Tensor {
    return this.dec.forward(x);
  }
}

/** The share of fit's epochs that pre-trains the auto-encoder before DEC's self-training (at least one of each). */
const PRETRAIN_SHARE = 0.6;
export const pretrainEpochs = (epochs: number): number => Math.max(1, Math.min(epochs - 1, Math.round(epochs * PRETRAIN_SHARE)));

const clusteringAe: Recipe = {
  ...shape,
  name: "clustering-ae",
  description:
    "a clustering auto-encoder (DEC, Xie et al. 2016): a 784-256-10 auto-encoder pre-trained for 60% of the epochs, k-means on its codes, " +
    "then self-training on KL(P‖Q) into 10 clusters; loss: reconstruction MSE, then KL; test: cluster purity; each cluster's digits as a picture",
  defaults: { epochs: 20, batchSize: 128, lr: 1e-3, valSplit: 0.1 },
  data: digits,
  model: () => asModel(new ClusteringAE()),
  generative: {
    steps: (m, run) => {
      const c = m as ClusteringAE;
      const pretrain = pretrainEpochs(run?.epochs ?? 2);
      // soft cluster frequencies f_j over the training set, refreshed each DEC epoch: a batch's own are too noisy for P
      let frequencies: Tensor | undefined;
      // loss is the phase's objective; rec and kl are logged in both phases so history has one set of columns
      const logs = (x: Tensor, dec: boolean): Record<string, Tensor> => {
        const code = c.ae.encode(x);
        const rec = F.mseLoss(c.ae.decode(code), x);
        const q = models.softAssign(code, c.dec.centroids, c.dec.alpha);
        const kl = models.decLoss(q, noGrad(() => models.targetDistribution(q.detach(), frequencies)));
        return dec ? { loss: kl, rec: rec.detach(), kl } : { loss: rec, rec, kl: kl.detach() };
      };
      return {
        trainStep: (b, ctx) => {
          const dec = ctx.epoch >= pretrain;
          if (dec && ctx.step === 0 && run) {
            const x = noGrad(() => inputsOf(run.train, 4000));
            // k-means on the codes once pre-training ends (a run resumed later has its centroids in the checkpoint)
            if (ctx.epoch === pretrain) {
              c.dec.initCentroids(x, { nInit: 4 });
              // DEC's phase starts from a fresh optimizer state, as the paper's separate optimizer does: Adam's second moments
              // from pre-training are far smaller than KL's gradients and would scale the first steps up to 1/√(1 − β₂) ≈ 30×
              if (ctx.optimizer instanceof optim.Optimizer) ctx.optimizer.state.clear();
            }
            frequencies = noGrad(() => c.forward(x).mean(0));
          }
          return logs(first(b), dec);
        },
        validationStep: (b) => logs(first(b), true),
      };
    },
    test: (m, test) => {
      const c = m as ClusteringAE;
      const [x, y] = (test as unknown as { tensors: [Tensor, Tensor] }).tensors;
      const clusters = c.dec.predict(x);
      return { loss: noGrad(() => models.decLoss(c.forward(x)).item()), purity: models.clusterPurity(clusters, Array.from(y.dataSync(), Number)) };
    },
    pictures: (m, out, ds) => {
      const c = m as ClusteringAE;
      const x = all(ds.test, ds.test.length);
      const clusters = c.dec.predict(x);
      const perRow = 12;
      const rows: number[] = [];
      const pixels = x.dataSync();
      for (let k = 0; k < c.clusters; k++) {
        const members = clusters.flatMap((j, i) => (j === k ? [i] : [])).slice(0, perRow);
        for (let r = 0; r < perRow; r++) {
          const i = members[r];
          for (let p = 0; p < 784; p++) rows.push(i === undefined ? 0 : pixels[i * 784 + p]!);
        }
      }
      writeFileSync(join(out, "clusters.png"), imageGridPng(rows, 28, perRow));
      return ["clusters.png"];
    },
  },
};

export const unsupervisedRecipes: Recipe[] = [clusteringAe];
