// Diagnostics for the course's demonstrations: the gradient norm that reaches each layer, which
// shows the vanishing gradients of deep sigmoid networks (deck 004: σ' ≤ ¼).

import { Linear } from "../nn/linear.js";
import type { Module } from "../nn/module.js";
import type { Tensor } from "../tensor.js";

/**
 * ‖∂L/∂W‖₂ of every Linear layer's weight, input side first, after one backward of `loss(model(x))`
 * (the gradients are zeroed first and left in place). Through a chain of sigmoids each layer
 * multiplies the backward signal by σ'(z) ≤ ¼ (deck 004; Bengio, Simard and Frasconi, IEEE Trans.
 * Neural Networks 5, 1994), so the norms fall geometrically towards the input; with ReLU they do not.
 */
export function layerGradientNorms(model: Module, x: Tensor, loss: (out: Tensor) => Tensor): number[] {
  model.zeroGrad();
  loss(model.forward(x)).backward();
  return model.modules().filter((m): m is Linear => m instanceof Linear).map((l) => (l.weight.grad ? l.weight.grad.norm().item() : 0));
}
