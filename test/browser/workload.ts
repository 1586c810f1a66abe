// What the browser tests run inside the page (and the Node driver runs again to compare numbers):
// a seeded training run on the moons, and long training loops whose wasm memory must stay flat.
// Node-free: only myelin's public API.

import { backendByName, data, fit, Generator, getBackend, LambdaCallback, manualSeed, nn, optim, setBackend, yieldToEventLoop, type Backend } from "../../src/index.js";

export interface TrainResult {
  device: string;
  firstLoss: number;
  lastLoss: number;
  accuracy: number;
  ms: number;
}

/** Runs `fn` with `device` as the default backend, then puts the previous one back. */
async function on<T>(device: string, fn: () => Promise<T>): Promise<T> {
  const before = getBackend();
  setBackend(device);
  try {
    return await fn();
  } finally {
    setBackend(before);
  }
}

const mlp = (width: number): nn.Sequential =>
  new nn.Sequential(new nn.Linear(2, width), new nn.Tanh(), new nn.Linear(width, width), new nn.Tanh(), new nn.Linear(width, 2));

/** 60 epochs of Adam on 200 noisy moons (batches of 32): seeded, so every engine gets the same numbers. */
export function trainMoons(device: string): Promise<TrainResult> {
  return on(device, async () => {
    manualSeed(7);
    const ds = data.moons({ n: 200, noise: 0.1, generator: new Generator(1) });
    const loader = new data.DataLoader(ds, { batchSize: 32, shuffle: true, generator: new Generator(2) });
    const model = mlp(16);
    const t0 = performance.now();
    const history = await fit(model, {
      train: loader,
      loss: new nn.CrossEntropyLoss(),
      optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }),
      epochs: 60,
      metrics: ["accuracy"],
    });
    const loss = history.history["loss"]!;
    return { device, firstLoss: loss[0]!, lastLoss: loss.at(-1)!, accuracy: history.history["accuracy"]!.at(-1)!, ms: performance.now() - t0 };
  });
}

export interface MemoryResult {
  steps: number;
  /** The backend's live bytes, sampled every 250 steps just after fit yields and after each yield (hand loop). */
  fitSamples: number[];
  loopSamples: number[];
  ms: number;
}

const live = (b: Backend): number => (b as { liveBytes?: number }).liveBytes ?? 0;

/**
 * `steps` batches through fit (which yields every 100 batches), then `steps` steps of a hand-written
 * loop that calls yieldToEventLoop every 100 steps; wasm memory is sampled along the way.
 */
export function trainLong(device: string, steps: number): Promise<MemoryResult> {
  return on(device, async () => {
    manualSeed(3);
    const be = backendByName(device);
    const [x, y] = data.moons({ n: 64, noise: 0.1, generator: new Generator(4) }).tensors;
    const model = mlp(32);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
    const lossFn = new nn.CrossEntropyLoss();
    const t0 = performance.now();
    const fitSamples: number[] = [];
    await fit(model, {
      train: Array.from({ length: steps }, () => [x, y] as const),
      loss: lossFn,
      optimizer,
      callbacks: [new LambdaCallback({ onBatchEnd: (step) => void (step % 250 === 100 && fitSamples.push(live(be))) })],
    });
    const loopSamples: number[] = [];
    for (let step = 0; step < steps; step++) {
      optimizer.zeroGrad();
      lossFn.forward(model.forward(x), y).backward();
      optimizer.step();
      if (step % 100 === 99) {
        await yieldToEventLoop();
        loopSamples.push(live(be));
      }
    }
    return { steps, fitSamples, loopSamples, ms: performance.now() - t0 };
  });
}
