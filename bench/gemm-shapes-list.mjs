// The GEMM shapes of the training benchmarks' steps (bench/gemm-shapes.js runs them).

// [bench, what, m, n, k, A transposed, B transposed]: C[m, n] = op(A) op(B); a transposed operand
// is stored [k, m] (or [n, k]) and read through strides, as the layers' backward passes do.
export const SHAPES = [
  ["mlp", "fc1 x·Wᵀ", 128, 256, 784, false, true],
  ["mlp", "fc1 dW = dYᵀ·x", 256, 784, 128, true, false],
  ["mlp", "fc2 x·Wᵀ", 128, 128, 256, false, true],
  ["mlp", "fc2 dW", 128, 256, 128, true, false],
  ["mlp", "fc2 dX = dY·W", 128, 256, 128, false, false],
  ["mlp", "fc3 x·Wᵀ", 128, 10, 128, false, true],
  ["lstm", "recurrence h·W_hhᵀ (per step)", 32, 512, 128, false, true],
  ["lstm", "input projection", 1600, 512, 32, false, true],
  ["lstm", "dW = dGᵀ·[x | h]", 512, 160, 1600, true, false],
  ["lenet", "fc1 x·Wᵀ", 64, 120, 400, false, true],
  ["lenet", "fc1 dW", 120, 400, 64, true, false],
  ["lenet", "fc1 dX", 64, 400, 120, false, false],
  ["lenet", "fc2 x·Wᵀ", 64, 84, 120, false, true],
  ["gpt", "FFN up x·Wᵀ", 1024, 512, 128, false, true],
  ["gpt", "FFN up dX", 1024, 128, 512, false, false],
  ["gpt", "FFN up dW", 512, 128, 1024, true, false],
  ["gpt", "FFN down x·Wᵀ", 1024, 128, 512, false, true],
  ["gpt", "FFN down dX", 1024, 512, 128, false, false],
  ["gpt", "FFN down dW", 128, 512, 1024, true, false],
  ["gpt", "qkv/out proj x·Wᵀ", 1024, 128, 128, false, true],
  ["gpt", "proj dX", 1024, 128, 128, false, false],
  ["gpt", "proj dW", 128, 128, 1024, true, false],
  ["gpt", "head x·Wᵀ", 1024, 65, 128, false, true],
  ["square", "n=256", 256, 256, 256, false, false],
  ["square", "n=512", 512, 512, 512, false, false],
];
