// Issue 12, "what PyTorch and Keras users reach for": modules that print like torch's print(model),
// Sequential indexing, saveModel/loadModel round trips, variadic shapes, fit's verbose, and the
// common mistakes that must get myelin's errors rather than raw JavaScript ones.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { test } from "node:test";
import { arange, data, eye, F, fit, manualSeed, nn, optim, predict, rand, randn, tensor, zeros, type Tensor } from "../src/index.js";
import { loadModel, saveModel, saveSafetensors } from "../src/node.js";

const mlp = (): nn.Sequential => new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(128, 10));

const MLP_REPR = `Sequential(
  (0): Flatten(startDim=1, endDim=-1)
  (1): Linear(inFeatures=784, outFeatures=128, bias=true)
  (2): ReLU()
  (3): Dropout(p=0.2)
  (4): Linear(inFeatures=128, outFeatures=10, bias=true)
)`;

test("String(model) and console.log(model) show the module tree with each layer's arguments, as torch's print(model)", () => {
  const m = mlp();
  assert.equal(String(m), MLP_REPR);
  assert.equal(inspect(m), MLP_REPR);
  const nested = new nn.Sequential({ body: new nn.Residual(new nn.Sequential(new nn.Linear(4, 4, false), new nn.LeakyReLU(0.2))), norm: new nn.LayerNorm(4) });
  assert.equal(
    String(nested),
    `Sequential(
  (body): Residual(
    (block): Sequential(
      (0): Linear(inFeatures=4, outFeatures=4, bias=false)
      (1): LeakyReLU(negativeSlope=0.2)
    )
  )
  (norm): LayerNorm(normalizedShape=4, eps=1e-5, elementwiseAffine=true)
)`,
  );
  // losses print bare as in torch, with only the options that differ from the defaults
  assert.equal(String(new nn.CrossEntropyLoss()), "CrossEntropyLoss()");
  assert.equal(String(new nn.CrossEntropyLoss({ labelSmoothing: 0.1 })), "CrossEntropyLoss(labelSmoothing=0.1)");
  assert.equal(String(new nn.Linear(2, 2, { dtype: "float64" })), "Linear(inFeatures=2, outFeatures=2, bias=true, dtype='float64')");
  // a user's own module prints its children
  class Net extends nn.Module {
    fc = new nn.Linear(2, 3);
    act = new nn.GELU("tanh");
    forward(x: Tensor): Tensor { return this.act.forward(this.fc.forward(x)); }
  }
  assert.equal(String(new Net()), "Net(\n  (fc): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (act): GELU(approximate='tanh')\n)");
});

test("Sequential is indexed and iterated; namedModules, children, namedChildren and modules exist", () => {
  const m = mlp();
  assert.ok(m.at(1) instanceof nn.Linear);
  assert.ok(m.at(-1) instanceof nn.Linear);
  assert.equal((m.at(-1) as nn.Linear).outFeatures, 10);
  assert.equal(m.length, 5);
  assert.deepEqual([...m].map((l) => l.constructor.name), ["Flatten", "Linear", "ReLU", "Dropout", "Linear"]);
  assert.deepEqual(m.namedChildren().map(([n]) => n), ["0", "1", "2", "3", "4"]);
  assert.equal(m.children().length, 5);
  assert.deepEqual(m.namedModules().map(([n]) => n), ["", "0", "1", "2", "3", "4"]);
  assert.equal(m.modules().length, 6);
  assert.throws(() => m.at(5), /Sequential: index 5 is out of range for 5 modules/);
});

test("saveModel / loadModel: one call each; the loaded model gives the same outputs and prints the same tree", () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-model-"));
  try {
    manualSeed(1);
    const model = new nn.Sequential(
      new nn.Linear(6, 8), new nn.BatchNorm1d(8, 1e-3, null), new nn.LeakyReLU(0.1),
      new nn.Residual(new nn.Sequential(new nn.Linear(8, 8, false), new nn.Tanh())), new nn.Dropout(0.3), new nn.Linear(8, 3),
    );
    model.train();
    model.forward(randn(5, 6)); // moves BatchNorm's running statistics away from their initial values
    model.eval();
    const path = join(dir, "model.safetensors");
    saveModel(path, model);
    const again = loadModel<nn.Sequential>(path);
    again.eval();
    const x = randn(4, 6);
    assert.deepEqual([...again.forward(x).dataSync()], [...model.forward(x).dataSync()]);
    assert.equal(String(again), String(model));
    assert.equal((again.at(1) as nn.BatchNorm1d).momentum, null);

    // float64 models come back as float64; losses keep their weights
    const m64 = new nn.Sequential(new nn.Linear(3, 2)).double();
    saveModel(path, m64);
    assert.equal(loadModel<nn.Sequential>(path).parameters()[0]!.dtype, "float64");
    const ce = new nn.CrossEntropyLoss(tensor([1, 2, 3]), { labelSmoothing: 0.05 });
    saveModel(path, ce);
    const ce2 = loadModel<nn.CrossEntropyLoss>(path);
    assert.deepEqual([...ce2.weight!.dataSync()], [1, 2, 3]);
    assert.equal(ce2.labelSmoothing, 0.05);

    // a user's class must be passed in, and is rebuilt from its recorded arguments
    class Head extends nn.Module {
      fc: nn.Linear;
      constructor(readonly n: number) {
        super();
        this.recordConfig({ args: [["n", n]] });
        this.fc = new nn.Linear(n, 2);
      }
      forward(x: Tensor): Tensor { return this.fc.forward(x); }
    }
    const head = new Head(5);
    saveModel(path, head);
    assert.throws(() => loadModel(path), /loadModel: the saved model uses the class 'Head', which is not one of myelin's nn modules; pass your class: loadModel\(path, \{ classes: \[Head\] \}\)/);
    const head2 = loadModel<Head>(path, { classes: [Head] });
    assert.equal(head2.n, 5);
    const xh = randn(2, 5);
    assert.deepEqual([...head2.forward(xh).dataSync()], [...head.forward(xh).dataSync()]);

    // a plain state dict file, or a corrupt one, is a clear error
    saveSafetensors(path, model.stateDict());
    assert.throws(() => loadModel(path), /loadModel: the file has no model architecture .*model\.loadStateDict\(loadSafetensors\(path\)\)/);
    writeFileSync(path, "not a model");
    assert.throws(() => loadModel(path), /loadModel: .*safetensors/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("creation functions take torch's variadic shapes as well as arrays; a bad shape names the function", () => {
  assert.deepEqual(randn(2, 3).shape, [2, 3]);
  assert.deepEqual(randn([2, 3]).shape, [2, 3]);
  const z = zeros(2, 3, { dtype: "float64" });
  assert.deepEqual([z.shape, z.dtype], [[2, 3], "float64"]);
  assert.deepEqual(rand(4).shape, [4]);
  assert.throws(() => randn([2, -1]), /randn: sizes must be non-negative integers, got \[2, -1\]/);
  assert.throws(() => randn("3" as never), /randn: the shape must be an array of sizes or sizes as arguments, got string '3'/);
  assert.throws(() => zeros(2, 3, { dtyp: "float64" } as never), /zeros: unknown option 'dtyp' \(did you mean 'dtype'\?\)/);
  assert.equal(arange(5, { dtype: "int32" }).dtype, "int32");
  assert.deepEqual([...arange(1, 7, 2).dataSync()], [1, 3, 5]);
  assert.deepEqual(eye(2, { dtype: "float64" }).dtype, "float64");
  assert.throws(() => tensor([1], { dtyp: "int32" } as never), /tensor: unknown option 'dtyp' \(did you mean 'dtype'\?\)/);
});

test("common mistakes get myelin's errors", async () => {
  const model = new nn.Linear(3, 2);
  const opt = new optim.Adam(model.parameters(), 0.01);
  model.forward(randn(4, 3)).sum().backward();
  opt.step();
  const dir = mkdtempSync(join(tmpdir(), "myelin-mistakes-"));
  try {
    assert.throws(() => saveSafetensors(join(dir, "opt.safetensors"), opt.stateDict() as never), /safetensors: "state" is an object, not a Tensor.*saveCheckpoint/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // predict takes a tensor (Keras's predict(x)) as well as batches
  const x = randn(5, 3);
  const out = await predict(model, x);
  assert.deepEqual(out.shape, [5, 2]);
  assert.deepEqual([...out.dataSync()], [...model.forward(x).dataSync()]);
  await assert.rejects(predict(model, 3 as never), /predict: expected a Tensor, a DataLoader or an iterable of batches, got number/);
  assert.throws(() => new data.TensorDataset([[1, 2]] as never, [0] as never), /TensorDataset: argument 1 is an array, not a Tensor; convert it first.*dtype: "int32"/);
  assert.throws(() => new data.DataLoader([[1, 2]] as never), /data\.DataLoader: expected a Dataset .*got an array/);
  assert.throws(() => F.crossEntropy(randn(2, 3), tensor([0, 2])), /for class-index labels use an int32 tensor, e\.g\. tensor\(labels, \{ dtype: "int32" \}\)/);
  assert.throws(() => F.nllLoss(randn(2, 3), tensor([0, 2])), /create it with \{ dtype: "int32" \}/);
});

test("fit: verbose 2 prints one line per epoch, 0 is silent, the default prints lines off a terminal", async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    const run = async (extra: object): Promise<void> => {
      const model = new nn.Linear(2, 1);
      await fit(model, { train: [[zeros(4, 2), zeros(4, 1)]], loss: new nn.MSELoss(), optimizer: new optim.SGD(model.parameters(), 0.1), epochs: 2, ...extra });
    };
    await run({ verbose: 0 });
    assert.equal(lines.length, 0);
    await run({ verbose: 2 });
    assert.equal(lines.filter((l) => /^epoch \d\/2 · /.test(l)).length, 2, lines.join("\n"));
    lines.length = 0;
    await run({}); // stdout is not a terminal under the test runner: one line per epoch
    assert.equal(lines.filter((l) => /^epoch \d\/2 · /.test(l)).length, 2, lines.join("\n"));
  } finally {
    console.log = log;
  }
  await assert.rejects(
    fit(new nn.Linear(2, 1), { train: [], loss: new nn.MSELoss(), optimizer: new optim.SGD(new nn.Linear(2, 1).parameters(), 0.1), verbose: 3 as never }),
    /fit: verbose must be 0 \(silent\), 1 \(progress bar\), 2 \(one line per epoch\) or 'auto', got 3/,
  );
});
