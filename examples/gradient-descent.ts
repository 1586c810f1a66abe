// Batch, stochastic and mini-batch gradient descent (decks 000/001/004) are one training loop with
// three batch sizes: N (every sample per update), 1 (one sample per update) and b. This example
// trains the same 2-16-2 network from the same initial weights on the two moons all three ways.
// Run: npm run build && node dist/examples/gradient-descent.js

import { pathToFileURL } from "node:url";
import { data, Generator, manualSeed, nn, optim } from "../src/index.js";
import { fit } from "../src/train/index.js";

export interface GradientDescentOptions {
  /** Epochs per run (default 30). */
  epochs?: number;
  /** Points in the moons data set (default 200). */
  n?: number;
  /** Batch size of the mini-batch run (default 16). */
  miniBatch?: number;
  /** Learning rate, the same for all three (default 0.1). */
  lr?: number;
  /** Where the table goes (console.log by default). */
  log?: (line: string) => void;
}

export interface GradientDescentRun {
  name: string;
  batchSize: number;
  /** Parameter updates per epoch: ⌈N / batch size⌉. */
  updatesPerEpoch: number;
  /** Mean training loss of each epoch. */
  loss: number[];
  /** Training accuracy of each epoch. */
  accuracy: number[];
}

/** Trains the three variants and prints their loss curves side by side. */
export async function main({ epochs = 30, n = 200, miniBatch = 16, lr = 0.1, log = (l: string) => console.log(l) }: GradientDescentOptions = {}): Promise<GradientDescentRun[]> {
  const moons = data.moons({ n, noise: 0.15, generator: new Generator(0) });
  manualSeed(0);
  const initial = new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 2)).stateDict();
  const variants: [string, number][] = [
    ["batch GD", n],
    ["stochastic GD", 1],
    [`mini-batch GD`, miniBatch],
  ];
  const runs: GradientDescentRun[] = [];
  for (const [name, batchSize] of variants) {
    const model = new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 2));
    model.loadStateDict(initial); // the same starting point for all three
    const train = new data.DataLoader(moons, { batchSize, shuffle: true, generator: new Generator(1) });
    const h = await fit(model, { train, loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(model.parameters(), { lr }), epochs, metrics: ["accuracy"] });
    runs.push({ name, batchSize, updatesPerEpoch: train.length, loss: h.history.loss!, accuracy: h.history.accuracy! });
  }

  log(`two moons, N = ${n}, SGD lr ${lr}, ${epochs} epochs, the same initial weights\n`);
  log(["epoch".padStart(5), ...runs.map((r) => `${r.name} (b=${r.batchSize}, ${r.updatesPerEpoch} updates/epoch)`.padStart(40))].join(""));
  const every = Math.max(1, Math.floor(epochs / 10));
  for (let e = 0; e < epochs; e++) {
    if (e % every !== 0 && e !== epochs - 1) continue;
    log([String(e + 1).padStart(5), ...runs.map((r) => `loss ${r.loss[e]!.toFixed(4)} · acc ${(r.accuracy[e]! * 100).toFixed(1)}%`.padStart(40))].join(""));
  }
  log("\nOne epoch of batch GD is one step along the exact gradient; stochastic GD takes N noisy steps");
  log("for the same computation, and mini-batch GD sits in between (and vectorizes well).");
  return runs;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
