// Error messages: every shape, dtype and index mistake names the operation, the shapes or values
// involved, and what was expected.

import { test } from "node:test";
import assert from "node:assert/strict";
import { cat, gather, indexSelect, oneHot, ones, randint, stack, tensor, where, zeros } from "../src/index.js";

const i32 = (v: number[] | number[][]): ReturnType<typeof tensor> => tensor(v, { dtype: "int32" });

test("matmul: inner dimensions that differ", () => {
  assert.throws(() => ones([2, 3]).matmul(ones([4, 5])), { message: "matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ" });
  assert.throws(() => ones([3]).matmul(ones([2])), /matmul: cannot multiply \[3\] by \[2\]: inner dimensions 3 and 2 differ/);
  assert.throws(() => ones([2, 2, 3]).matmul(ones([3, 3, 4])), /matmul: shapes \[2\] and \[3\] cannot be broadcast/);
});

test("add: shapes that do not broadcast", () => {
  assert.throws(() => ones([2, 3]).add(ones([4])), /^Error: add: shapes \[2,3\] and \[4\] cannot be broadcast together: dimension 1 .* sizes 3 and 4/);
  assert.throws(() => ones([2, 3]).mul(ones([3, 3])), /mul: shapes \[2,3\] and \[3,3\] cannot be broadcast/);
});

test("view, reshape and -1", () => {
  assert.throws(() => ones([2, 3]).t().view(6), /view: shape \[6\] is not compatible with the input's size \[3,2\] and strides \[1,3\].*use reshape instead/);
  assert.throws(() => ones([2, 3]).reshape(4, 2), { message: "reshape: shape [4,2] is invalid for input [2,3] of size 6" });
  assert.throws(() => ones([2, 3]).view(4, -1), /view: shape \[4,-1\] is invalid for input \[2,3\] of size 6/);
  assert.throws(() => ones([2, 3]).reshape(-1, -1), { message: "reshape: only one dimension can be -1, got [-1,-1]" });
  assert.throws(() => ones([2, 3]).expand(4, 3), /expand: the size 2 of dim 0 of \[2,3\] must match 4/);
});

test("dim out of range: sum, softmax, transpose, unsqueeze, cat", () => {
  assert.throws(() => ones([2, 3]).sum(2), { name: "RangeError", message: "sum: dim 2 is out of range for a tensor with 2 dimensions (expected -2..1)" });
  assert.throws(() => ones([2, 3]).softmax(-3), /softmax: dim -3 is out of range for a tensor with 2 dimensions \(expected -2\.\.1\)/);
  assert.throws(() => ones([2, 3]).transpose(0, 2), /transpose: dim 2 is out of range for a tensor with 2 dimensions/);
  assert.throws(() => ones([2]).unsqueeze(3), /unsqueeze: dim 3 is out of range for a tensor with 2 dimensions/);
  assert.throws(() => cat([ones([2])], 1), /cat: dim 1 is out of range for a tensor with 1 dimensions/);
  assert.throws(() => ones([2, 3]).mean(0.5), /mean: dim 0.5 is out of range/);
});

test("cat and stack: mismatched shapes", () => {
  assert.throws(() => cat([ones([2, 3]), ones([3, 4])], 0), { message: "cat: tensor 1 has shape [3,4] but tensor 0 has [2,3]; sizes must match except in dim 0" });
  assert.throws(() => cat([ones([2, 3]), ones([2, 3, 1])], 1), /cat: tensor 1 has shape \[2,3,1\] but tensor 0 has \[2,3\]/);
  assert.throws(() => cat([]), /cat: expected a non-empty list of tensors/);
  assert.throws(() => stack([ones([2, 3]), ones([3, 2])]), { message: "stack: tensor 1 has shape [3,2] but tensor 0 has [2,3]; all must be equal" });
});

test("gather, indexSelect, scatterAdd: index dtype and bounds", () => {
  assert.throws(() => gather(ones([2, 3]), 1, tensor([[0, 1]])), { name: "TypeError", message: "gather: index must be an int32 tensor, got float32" });
  assert.throws(() => gather(ones([2, 3]), 1, i32([[0, 5]])), { name: "RangeError", message: "gather: index 5 is out of bounds for dimension 1 with size 3" });
  // torch.gather rejects negative indices rather than wrapping them
  assert.throws(() => gather(ones([2, 3]), 1, i32([[0, -1]])), /gather: index -1 is out of bounds for dimension 1 with size 3/);
  assert.throws(() => gather(ones([2, 3]), 1, i32([0, 1])), /gather: index \[2\] must have as many dims as the input \[2,3\]/);
  assert.throws(() => indexSelect(ones([2, 3]), 1, i32([7])), /^RangeError: indexSelect: index 7 is out of bounds for dimension 1 with size 3/);
  assert.throws(() => zeros([3]).scatterAdd(0, i32([5]), ones([1])), /scatterAdd: index 5 is out of bounds for dimension 0 with size 3/);
});

test("oneHot, narrow, select: values out of range", () => {
  assert.throws(() => oneHot(i32([0, 3]), 3), { name: "RangeError", message: "oneHot: class index 3 is out of range for 3 classes" });
  assert.throws(() => oneHot(i32([0, -1])), /oneHot: class index -1 is out of range/);
  assert.throws(() => oneHot(tensor([0, 1])), /oneHot: index must be an int32 tensor, got float32/);
  assert.throws(() => ones([2, 3]).narrow(1, 2, 2), { message: "narrow: start 2 and length 2 exceed dimension 1 of size 3 in [2,3]" });
  assert.throws(() => ones([2, 3]).select(0, 2), /select: index 2 is out of range for dimension 0 with size 2/);
});

test("item on a multi-element tensor, backward on a non-scalar", () => {
  assert.throws(() => ones([2]).item(), { message: "item: only one-element tensors can be converted to a number, this one has shape [2]" });
  const x = ones([2], { requiresGrad: true });
  assert.throws(() => x.mul(2).backward(), /backward: grad can be implicitly created only for scalar outputs; this tensor has shape \[2\], pass a gradient/);
  assert.throws(() => x.mul(2).backward(ones([3])), /backward: gradient shape \[3\] does not match the tensor's shape \[2\]/);
  assert.throws(() => ones([2]).sum().backward(), /backward: this tensor does not require grad/);
});

test("dtype mistakes: mean of int, where with a non-bool condition, grad on ints", () => {
  assert.throws(() => i32([1, 2]).mean(), { name: "TypeError", message: "mean: expected a floating-point tensor, got int32; cast it with .float()" });
  assert.throws(() => where(ones([2]), ones([2]), zeros([2])), { name: "TypeError", message: "where: condition must be a bool tensor, got float32" });
  assert.throws(() => tensor([1], { dtype: "int32", requiresGrad: true }), /requiresGrad: only floating-point tensors can require gradients, this one is int32/);
});

test("creation mistakes: randint range, ragged arrays, bad shapes", () => {
  assert.throws(() => randint(5, 5, [2]), { message: "randint: high (5) must be greater than low (5)" });
  assert.throws(() => randint(5, 2, [2]), /randint: high \(2\) must be greater than low \(5\)/);
  assert.throws(() => tensor([[1, 2], [3]]), { message: "tensor: ragged nested array: expected length 2 at [1], got 1" });
  assert.throws(() => tensor([[1, 2], 3]), /tensor: ragged nested array: expected length 2 at \[1\], got a scalar/);
  assert.throws(() => tensor([1, [2]] as never), /tensor: ragged nested array: element \[1\] is deeper than \[2\]/);
  assert.throws(() => tensor(new Float32Array(5), { shape: [2, 3] }), /tensor: shape \[2,3\] does not hold 5 elements/);
});
