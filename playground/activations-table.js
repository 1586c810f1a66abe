// The course's activation functions (deck 000's table of 18, plus LeakyReLU), as myelin modules,
// each with the formula the deck gives. Shared by the classification page and the explorer.
import { nn } from "myelin";

export const ACTIVATIONS = {
  ReLU: { make: () => new nn.ReLU(), formula: "max(0, x)" },
  LeakyReLU: { make: () => new nn.LeakyReLU(), formula: "max(0, x) + 0.01·min(0, x)" },
  PReLU: { make: () => new nn.PReLU(), formula: "max(0, x) + a·min(0, x), a learned (0.25)" },
  RReLU: { make: () => new nn.RReLU(), formula: "x ≥ 0: x; else a·x, a ~ U(1/8, 1/3) (eval: mean)" },
  ELU: { make: () => new nn.ELU(), formula: "x > 0: x; else α(eˣ − 1)" },
  SELU: { make: () => new nn.SELU(), formula: "λ(max(0, x) + min(0, α(eˣ − 1)))" },
  GELU: { make: () => new nn.GELU(), formula: "x·Φ(x)" },
  Swish: { make: () => new nn.SiLU(), formula: "x / (1 + e⁻ˣ)  (SiLU)" },
  Mish: { make: () => new nn.Mish(), formula: "x·tanh(softplus(x))" },
  Softplus: { make: () => new nn.Softplus(), formula: "log(1 + eˣ)" },
  Sigmoid: { make: () => new nn.Sigmoid(), formula: "1 / (1 + e⁻ˣ)" },
  Tanh: { make: () => new nn.Tanh(), formula: "tanh(x)" },
  Softsign: { make: () => new nn.Softsign(), formula: "x / (1 + |x|)" },
  Hardtanh: { make: () => new nn.Hardtanh(), formula: "clamp(x, −1, 1)" },
  Hardsigmoid: { make: () => new nn.Hardsigmoid(), formula: "clamp(x/6 + 1/2, 0, 1)" },
  Hardswish: { make: () => new nn.Hardswish(), formula: "x·clamp(x + 3, 0, 6)/6" },
  Tanhshrink: { make: () => new nn.Tanhshrink(), formula: "x − tanh(x)" },
  Softshrink: { make: () => new nn.Softshrink(), formula: "x ∓ λ beyond ±λ, else 0 (λ = 0.5)" },
  Hardshrink: { make: () => new nn.Hardshrink(), formula: "x beyond ±λ, else 0 (λ = 0.5)" },
};
