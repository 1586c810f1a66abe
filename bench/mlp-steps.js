// The two steps that bench/mlp-share.js and bench/mlp-ab.js time: bench/myelin.js's `mlp` step
// (784-256-128-10 ReLU, cross entropy, Adam 1e-3, batch 128, on random data of the same shapes) and
// its `mlpgemm` step (the same GEMMs alone: the ceiling), built on one build of myelin's API, `L`;
// and the parts of the step that bench/mlp-parts.js times.

/**
 * Sets L's backend to wasm on one thread and returns { mlp, gemm }, each one step, and its parts:
 * `noStep` (the step without opt.step()), `adam` (opt.step() alone, on the last gradients) and
 * `gemmInOrder` (the GEMMs of `gemm` in a step's order, every forward and then the backward from
 * the last layer, on the step's batches of X).
 */
export async function mlpSteps(L) {
  L.setBackend("wasm");
  const be = L.getBackend();
  be.setNumThreads(1);
  await be.ready();
  L.manualSeed(0);
  const B = 128;
  const { nn, optim } = L;
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const X = L.randn([47 * B, 784]);
  const Y = L.randint(0, 10, [47 * B]);
  const lossFn = new nn.CrossEntropyLoss();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  let k = 0;
  const forwardBackward = () => {
    const i = k++ % 47;
    opt.zeroGrad();
    const l = lossFn.forward(model.forward(X.narrow(0, i * B, B)), Y.narrow(0, i * B, B));
    l.backward();
    return l;
  };
  const mlp = () => {
    const l = forwardBackward();
    opt.step();
    return l.item();
  };
  const dims = [784, 256, 128, 10];
  const layers = dims.slice(1).map((out, l) => ({ x: L.randn([B, dims[l]]), w: L.randn([out, dims[l]]), gy: L.randn([B, out]), first: l === 0 }));
  const gemm = () => {
    for (const { x, w, gy, first } of layers) {
      x.matmul(w.t());
      gy.t().matmul(x);
      if (!first) gy.matmul(w);
    }
  };
  let kg = 0;
  const gemmInOrder = () => {
    const x0 = X.narrow(0, (kg++ % 47) * B, B);
    layers.forEach(({ x, w }, l) => (l ? x : x0).matmul(w.t()));
    for (let l = layers.length - 1; l >= 0; l--) {
      const { x, w, gy, first } = layers[l];
      gy.t().matmul(l ? x : x0);
      if (!first) gy.matmul(w);
    }
  };
  return { mlp, gemm, noStep: () => forwardBackward().item(), adam: () => opt.step(), gemmInOrder };
}
