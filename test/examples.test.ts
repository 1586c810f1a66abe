// The course's worked examples, reproduced with myelin tensors and autograd: every number a deck
// prints is asserted to the digits it prints, and to float precision against an independent computation.

import { test } from "node:test";
import assert from "node:assert/strict";
import { noGrad, tensor, type DType, type Tensor } from "../src/index.js";
import { fixture } from "./helpers.js";

/** Asserts `v` equals the printed decimal `text` to the digits printed (half a unit in the last place). */
function printed(v: number, text: string, what: string): void {
  const decimals = text.includes(".") ? text.split(".")[1]!.length : 0;
  const tol = 0.5 * 10 ** -decimals + 1e-12;
  assert.ok(Math.abs(v - Number(text)) <= tol, `${what}: got ${v}, the deck prints ${text} (tolerance ${tol})`);
}

/** Asserts |v − expected| ≤ tol (relative to max(1, |expected|)). */
function near(v: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(v - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: got ${v}, expected ${expected} (tolerance ${tol})`);
}

const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const sig = (z: number): number => 1 / (1 + Math.exp(-z));
const logit = (p: number): number => Math.log(p / (1 - p));
/** Exact-comparison tolerance per dtype: float64 agrees with JS doubles to rounding, float32 to ~1e-7. */
const tolOf = (dtype: DType): number => (dtype === "float64" ? 1e-14 : 2e-6);
const DTYPES: DType[] = ["float32", "float64"];

for (const dtype of DTYPES) {
  const tol = tolOf(dtype);
  const opts = { dtype, requiresGrad: true };

  test(`deck 003 "Simple Example of Computing Gradient": one sigmoid neuron, ŷ = 0.731, L = 0.036, ∂L/∂w = -0.106 (${dtype})`, () => {
    // x = 2, y = 1, w = 0.5, b = 0; ŷ = σ(wx + b); L = ½(y − ŷ)²
    const x = tensor(2, { dtype });
    const y = tensor(1, { dtype });
    const w = tensor(0.5, opts);
    const b = tensor(0, opts);
    const z = w.mul(x).add(b);
    const yHat = z.sigmoid();
    const loss = y.sub(yHat).square().mul(0.5);
    loss.backward();
    printed(z.item(), "1", "z");
    printed(yHat.item(), "0.731", "ŷ");
    printed(loss.item(), "0.036", "L");
    printed(w.grad!.item(), "-0.106", "∂L/∂w");
    // independently: the deck's chain rule ∂L/∂w = −(y − ŷ)·ŷ(1 − ŷ)·x in JS doubles
    const yh = sig(1);
    near(yHat.item(), yh, tol, "ŷ exact");
    near(loss.item(), 0.5 * (1 - yh) ** 2, tol, "L exact");
    near(w.grad!.item(), -(1 - yh) * yh * (1 - yh) * 2, tol, "∂L/∂w exact");
    near(b.grad!.item(), -(1 - yh) * yh * (1 - yh), tol, "∂L/∂b exact");
  });

  test(`deck 003 "Exercise: Forward Propagation": z = 0.91, ŷ = 0.713, L = 0.12, w1 → 0.405, w2 → 0.608 (${dtype})`, () => {
    // x = (0.5, 0.85), y = 1.2, w = (0.4, 0.6), b = 0.2, α = 0.1; L = (y − ŷ)²/2
    const x = tensor([0.5, 0.85], { dtype });
    const w = tensor([0.4, 0.6], opts);
    const b = tensor(0.2, opts);
    const z = x.dot(w).add(b);
    const yHat = z.sigmoid();
    const loss = yHat.sub(1.2).square().div(2);
    loss.backward();
    printed(z.item(), "0.91", "z");
    printed(yHat.item(), "0.713", "ŷ");
    printed(loss.item(), "0.12", "L");
    const grad = w.grad!;
    noGrad(() => w.assign(w.sub(grad.mul(0.1))));
    const [w1, w2] = vals(w);
    printed(w1!, "0.405", "w1 next");
    printed(w2!, "0.608", "w2 next");
    // independently: ∂L/∂wᵢ = (ŷ − y)·ŷ(1 − ŷ)·xᵢ
    const zz = 0.5 * 0.4 + 0.85 * 0.6 + 0.2;
    const yh = sig(zz);
    near(z.item(), zz, tol, "z exact");
    near(loss.item(), (1.2 - yh) ** 2 / 2, tol, "L exact");
    const g = (yh - 1.2) * yh * (1 - yh);
    near(w1!, 0.4 - 0.1 * g * 0.5, tol, "w1 next exact");
    near(w2!, 0.6 - 0.1 * g * 0.85, tol, "w2 next exact");
    near(b.grad!.item(), g, tol, "∂L/∂b exact");
  });

  test(`deck 003 "From Single Neurons to a Network": weight/height network, x = (70, 1.75), scalar and matrix forms (${dtype})`, () => {
    // h1 = σ(0.2·70 + 0.4·1.75 + 0.1), h2 = σ(−0.5·70 + 0.3·1.75 − 0.1), y = σ(1·h1 − 1.5·h2 + 0.5).
    // The deck prints only these expressions, so their values are checked against JS doubles, and the
    // matrix form y = σ(W2 h + b3), h = σ(W1 x + b) of "Network Definition in Matrix Form" against the scalar one.
    const x = tensor([70, 1.75], { dtype });
    const W1 = tensor([[0.2, 0.4], [-0.5, 0.3]], opts);
    const b = tensor([0.1, -0.1], opts);
    const W2 = tensor([1, -1.5], opts);
    const b3 = tensor(0.5, opts);
    const pre = W1.matmul(x).add(b);
    const h = pre.sigmoid();
    const out = W2.dot(h).add(b3).sigmoid();
    const [z1, z2] = [0.2 * 70 + 0.4 * 1.75 + 0.1, -0.5 * 70 + 0.3 * 1.75 - 0.1];
    const [h1, h2] = [sig(z1), sig(z2)];
    const yv = sig(1 * h1 - 1.5 * h2 + 0.5);
    printed(vals(pre)[0]!, "14.8", "z1");
    printed(vals(pre)[1]!, "-34.575", "z2");
    near(vals(h)[0]!, h1, tol, "h1");
    near(vals(h)[1]!, h2, tol, "h2");
    near(out.item(), yv, tol, "y");
    // the scalar form, written out neuron by neuron with the same tensors
    const w = (m: Tensor, i: number, j: number): Tensor => m.select(0, i).select(0, j);
    const xs = [x.select(0, 0), x.select(0, 1)];
    const s1 = w(W1, 0, 0).mul(xs[0]!).add(w(W1, 0, 1).mul(xs[1]!)).add(b.select(0, 0)).sigmoid();
    const s2 = w(W1, 1, 0).mul(xs[0]!).add(w(W1, 1, 1).mul(xs[1]!)).add(b.select(0, 1)).sigmoid();
    const scalarY = W2.select(0, 0).mul(s1).add(W2.select(0, 1).mul(s2)).add(b3).sigmoid();
    near(scalarY.item(), out.item(), tol, "scalar form = matrix form");
    // gradients through both hidden units: ∂y/∂W1[i][j] = y(1−y)·W2[i]·hᵢ(1−hᵢ)·xⱼ
    out.backward();
    const dy = yv * (1 - yv);
    const gW1 = vals(W1.grad!);
    [h1, h2].forEach((hi, i) =>
      [70, 1.75].forEach((xj, j) => near(gW1[2 * i + j]!, dy * [1, -1.5][i]! * hi * (1 - hi) * xj, tol, `∂y/∂W1[${i}][${j}]`)),
    );
    near(vals(W2.grad!)[0]!, dy * h1, tol, "∂y/∂w5");
    near(vals(W2.grad!)[1]!, dy * h2, tol, "∂y/∂w6");
    near(b3.grad!.item(), dy, tol, "∂y/∂b3");
  });

  test(`deck 003 "In-class exercise" with ReLU: h1 = h2 = 0, y = 0.5, and dead units pass no gradient (${dtype})`, () => {
    // x = (20, 3), w = (−0.2, 1, −0.5, 0.3, −1, 0), b = (1, −0.2, 0.5), σ = ReLU
    const x = tensor([20, 3], { dtype });
    const W1 = tensor([[-0.2, 1], [-0.5, 0.3]], opts);
    const b = tensor([1, -0.2], opts);
    const W2 = tensor([-1, 0], opts);
    const b3 = tensor(0.5, opts);
    const h = W1.matmul(x).add(b).relu();
    const y = W2.dot(h).add(b3).relu();
    printed(vals(h)[0]!, "0", "h1");
    printed(vals(h)[1]!, "0", "h2");
    printed(y.item(), "0.5", "y");
    // the printed values are exact: h1's pre-activation is −4 + 3 + 1 = 0 and ReLU(0) = 0
    assert.deepEqual(vals(h), [0, 0]);
    assert.equal(y.item(), 0.5);
    y.backward();
    // ReLU'(0) = 0 as in torch, so only b3 (and W2 through h = 0, i.e. 0) get gradient
    assert.deepEqual(vals(W1.grad!), [0, 0, 0, 0]);
    assert.deepEqual(vals(b.grad!), [0, 0]);
    assert.deepEqual(vals(W2.grad!), [0, 0]);
    assert.equal(b3.grad!.item(), 1);
  });
}

interface FfnCase {
  x: [number, number];
  a1: number; h1: number; a2: number; h2: number; a3: number; h3: number;
  forwardMatrix: number[][];
  grads: Record<"w1" | "w2" | "w3" | "w4" | "w5" | "w6" | "b1" | "b2" | "b3", number>;
}

test('deck 000 "Forward propagation": FeedForwardNetwork (np.random.seed(0) weights), every pre-activation and activation vs NumPy', () => {
  const ref = fixture<{ weights: number[]; biases: number[]; cases: FfnCase[] }>("examples/ffn.json");
  // the deck's six draws are NumPy's seed-0 standard normals (1.764…, 0.400…, 0.978…, 2.240…, 1.867…, −0.977…)
  assert.equal(ref.weights.length, 6);
  printed(ref.weights[0]!, "1.764", "w1 = randn() after seed(0)");
  printed(ref.weights[5]!, "-0.977", "w6");
  const opt = { dtype: "float64" as const, requiresGrad: true };
  const [w1, w2, w3, w4, w5, w6] = ref.weights.map((v) => tensor(v, opt)) as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const [b1, b2, b3] = ref.biases.map((v) => tensor(v, opt)) as [Tensor, Tensor, Tensor];
  const params = { w1, w2, w3, w4, w5, w6, b1, b2, b3 };
  assert.ok(ref.cases.length >= 5);
  for (const c of ref.cases) {
    for (const p of Object.values(params)) p.grad = null;
    const [x1, x2] = c.x.map((v) => tensor(v, { dtype: "float64" })) as [Tensor, Tensor];
    // forward_pass, line by line
    const a1 = w1.mul(x1).add(w2.mul(x2)).add(b1);
    const h1 = a1.sigmoid();
    const a2 = w3.mul(x1).add(w4.mul(x2)).add(b2);
    const h2 = a2.sigmoid();
    const a3 = w5.mul(h1).add(w6.mul(h2)).add(b3);
    const h3 = a3.sigmoid();
    const got = { a1, h1, a2, h2, a3, h3 };
    for (const [k, t] of Object.entries(got)) near(t.item(), c[k as keyof typeof got], 1e-12, `x = ${c.x.join(",")}: ${k}`);
    // the deck's forward_matrix: the same quantities laid out for its diagram
    const fm = [
      [0, 0, 0, 0, h3.item(), 0, 0, 0],
      [0, 0, w5.mul(h1).item(), w6.mul(h2).item(), b3.item(), a3.item(), 0, 0],
      [0, 0, 0, h1.item(), 0, 0, 0, h2.item()],
      [w1.mul(x1).item(), w2.mul(x2).item(), b1.item(), a1.item(), w3.mul(x1).item(), w4.mul(x2).item(), b2.item(), a2.item()],
    ];
    fm.forEach((row, i) => row.forEach((v, j) => near(v, c.forwardMatrix[i]![j]!, 1e-12, `x = ${c.x.join(",")}: forward_matrix[${i}][${j}]`)));
    // and d h3 / d parameters against torch float64 autograd
    h3.backward();
    for (const [k, p] of Object.entries(params)) near(p.grad!.item(), c.grads[k as keyof typeof params], 1e-12, `x = ${c.x.join(",")}: ∂h3/∂${k}`);
  }
});

/**
 * Deck 002 "Multi-layers architecture: Backpropagation [example]": a 2-2-2-2 sigmoid network, two
 * samples, targets (0, 1) for output 1, J = mean binary cross-entropy (the deck's ∂J/∂f = (f − y)/(f − f²)
 * and its avg over samples). The figure with the inputs and most weights is missing from the text, so
 * the network is rebuilt from what the slides print:
 * - a₁⁽²⁾ = (0.622, 0.900) per sample: the leaf z₁⁽²⁾ = logit of those.
 * - w₁₁⁽³⁾ = 0.3 and w₁₂⁽³⁾ = −0.1 (from a₁⁽²⁾ into units 1 and 2 of layer 3); the rest of z⁽³⁾
 *   (w₂ⱼ⁽³⁾a₂⁽²⁾ + bⱼ⁽³⁾, not printed) is a per-sample constant, chosen so that a⁽³⁾ equals the printed
 *   a₁⁽³⁾ = (0.555, 0.612), a₂⁽³⁾ = (0.386, 0.360). Gradients w.r.t. w₁ⱼ⁽³⁾ do not depend on it.
 * - w₁₁⁽⁴⁾ = w₂₁⁽⁴⁾ = 0.7; b₁⁽⁴⁾ is not printed, but f₁⁽⁴⁾ = (0.840, 0.843) pins it to [0.9965, 1.0033],
 *   so b₁⁽⁴⁾ = 1. Output 2 of layer 4 is never used by the deck (δ₁⁽⁴⁾ alone is propagated), so J is output 1's.
 */
test('deck 002 "Backpropagation [example]": δ(4) ≈ (0.838, −0.157), ∂J/∂w11(4) ≈ 0.184, w11(4) 0.7 → 0.516 (α = 1)', () => {
  const d = { dtype: "float64" as const };
  const y = tensor([0, 1], d);
  const z2 = tensor([logit(0.622), logit(0.9)], { ...d, requiresGrad: true });
  const w3 = tensor([0.3, -0.1], { ...d, requiresGrad: true }); // w11(3), w12(3)
  const a3Printed = [[0.555, 0.386], [0.612, 0.36]]; // [sample][unit]
  const c3 = tensor(a3Printed.map((row, s) => row.map((a, j) => logit(a) - [0.622, 0.9][s]! * [0.3, -0.1][j]!)), d);
  const w4 = tensor([0.7, 0.7], { ...d, requiresGrad: true }); // w11(4), w21(4)
  const b4 = tensor(1, { ...d, requiresGrad: true });

  const a2 = z2.sigmoid();
  const z3 = a2.unsqueeze(1).mul(w3).add(c3).retainGrad(); // [sample, unit]
  const a3 = z3.sigmoid();
  const z4 = a3.matmul(w4).add(b4).retainGrad();
  const f4 = z4.sigmoid().retainGrad();
  const J = y.mul(f4.log()).add(y.neg().add(1).mul(f4.neg().add(1).log())).neg().mean();
  J.backward();
  const n = 2; // J averages over the samples; the deck's per-sample δ's are n·∂J/∂z

  vals(a3).forEach((v, i) => near(v, a3Printed.flat()[i]!, 1e-14, "a(3) reproduces the printed activations"));
  const f = vals(f4);
  printed(f[0]!, "0.840", "f1(4) sample 1");
  printed(f[1]!, "0.843", "f1(4) sample 2");
  // ∂J/∂f1(4) = (6.25, −1.186) and ∂f/∂z = f(1 − f) = (0.134, 0.132)
  const dJdf = vals(f4.grad!).map((v) => v * n);
  printed(dJdf[0]!, "6.25", "∂J/∂f1(4) sample 1");
  printed(dJdf[1]!, "-1.186", "∂J/∂f1(4) sample 2");
  const dfdz = f.map((v) => v * (1 - v));
  printed(dfdz[0]!, "0.134", "∂f/∂z sample 1");
  printed(dfdz[1]!, "0.132", "∂f/∂z sample 2");
  // δ1(4) = ∂J/∂z1(4): the chain rule holds exactly, and equals f − y for sigmoid + BCE
  const delta4 = vals(z4.grad!).map((v) => v * n);
  delta4.forEach((v, s) => near(v, dJdf[s]! * dfdz[s]!, 1e-14, `δ1(4) = ∂J/∂f·∂f/∂z, sample ${s + 1}`));
  delta4.forEach((v, s) => near(v, f[s]! - [0, 1][s]!, 1e-14, `δ1(4) = f − y, sample ${s + 1}`));
  printed(delta4[1]!, "-0.157", "δ1(4) sample 2");
  // The deck's 0.838 is 6.25 × 0.134 = 0.8375, the product of its rounded factors; the exact δ is
  // f − y = 0.8401 (any f that prints as 0.840 gives δ ∈ [0.8395, 0.8405]). Likewise 0.184 = avg(0.465,
  // −0.096) of rounded products, where the exact gradient is 0.18506, and 0.516 = 0.7 − 0.184 (exact 0.51494).
  printed(6.25 * 0.134, "0.838", "the deck's δ1(4) from its rounded factors");
  printed((0.838 * 0.555 + -0.157 * 0.612) / 2, "0.185", "avg of unrounded products of the printed δ and a");
  printed((0.465 + -0.096) / 2, "0.184", "the deck's ∂J/∂w11(4) from its rounded products");
  near(delta4[0]!, 0.838, 2.5e-3, "δ1(4) within the deck's rounding");
  const gW4 = vals(w4.grad!);
  near(gW4[0]!, 0.184, 1.5e-3, "∂J/∂w11(4) within the deck's rounding");
  near(gW4[0]!, (delta4[0]! * 0.555 + delta4[1]! * 0.612) / 2, 1e-14, "∂J/∂w11(4) = avg(δ·a1(3))");
  printed(gW4[1]!, "0.134", "∂J/∂w21(4)");
  // slides (3)-(5): layer-3 deltas use the old w(4) = 0.7 (autograd does), then w(3) updates
  const delta3 = vals(z3.grad!).map((v) => v * n); // [s1u1, s1u2, s2u1, s2u2]
  printed(delta3[0]!, "0.145", "δ1(3) sample 1");
  printed(delta3[2]!, "-0.026", "δ1(3) sample 2");
  printed(delta3[1]!, "0.139", "δ2(3) sample 1");
  printed(delta3[3]!, "-0.025", "δ2(3) sample 2");
  const gW3 = vals(w3.grad!);
  printed(gW3[0]!, "0.033", "∂J/∂w11(3)");
  printed(gW3[1]!, "0.032", "∂J/∂w12(3)");
  // δ1(2) = (δ1(3)·w11(3) + δ2(3)·w12(3))·f'(z1(2)); the deck prints (0.006956, −0.00047683) from its
  // rounded δ(3)'s; exactly it is (0.0069672, −0.000476844): sample 1 agrees to 4 decimals, sample 2
  // to the 8th (the deck cut −0.000476844 to −0.00047683 rather than rounding it).
  const delta2 = vals(z2.grad!).map((v) => v * n);
  near(delta2[0]!, 0.006956, 1.2e-5, "δ1(2) sample 1");
  near(delta2[1]!, -0.00047683, 2e-8, "δ1(2) sample 2");
  printed((0.145 * 0.3 + 0.139 * -0.1) * 0.235, "0.006956", "the deck's δ1(2) from its rounded factors");

  // one gradient-descent step with α = 1, as the slides do
  noGrad(() => {
    for (const p of [w4, w3]) p.assign(p.sub(p.grad!));
  });
  const [w11, w21] = vals(w4);
  near(w11!, 0.516, 1.5e-3, "w11(4) after the step, within the deck's rounding");
  printed(0.7 - 1 * 0.184, "0.516", "the deck's w11(4) update");
  printed(w21!, "0.566", "w21(4) after the step");
  printed(vals(w3)[0]!, "0.267", "w11(3) after the step");
  printed(vals(w3)[1]!, "-0.132", "w12(3) after the step");
});
