// A first taste of the engine: a 2-4-1 network learns XOR with tensors, autograd and plain
// gradient descent. (The full training stack — nn, optim, fit — builds on exactly these steps.)

import { manualSeed, noGrad, randn, tensor, zeros } from "../src/index.js";

manualSeed(0);
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([[0], [1], [1], [0]]);
const w1 = randn([2, 4], { requiresGrad: true });
const b1 = zeros([4], { requiresGrad: true });
const w2 = randn([4, 1], { requiresGrad: true });
const b2 = zeros([1], { requiresGrad: true });
const params = [w1, b1, w2, b2];

const forward = () => x.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sigmoid();
for (let epoch = 0; epoch <= 2000; epoch++) {
  const loss = forward().sub(y).square().mean();
  for (const p of params) p.grad = null;
  loss.backward();
  noGrad(() => params.forEach((p) => p.assign(p.sub(p.grad!.mul(2)))));
  if (epoch % 500 === 0) console.log(`epoch ${epoch}: loss ${loss.item().toFixed(5)}`);
}
console.log("XOR predictions:", forward().toString());
