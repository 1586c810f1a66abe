// Vanishing and exploding gradients through time (decks 001 and 004): ‖∂L/∂h_t‖ at every step of
// an Elman layer next to σ_max(W_hh)^(T−t), the bound that predicts them, as numbers and as a plot.

import { grad } from "../autograd/grad.js";
import { orthogonal } from "../nn/init.js";
import { RNN } from "../nn/rnn.js";
import { noGrad } from "../autograd/grad-mode.js";
import { randn } from "../ops/creation.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { largestSingularValue } from "./bptt.js";
import { renderSvg } from "./plot.js";

/** One curve: σ_max(W_hh) and ‖∂L/∂h_t‖ for t = 1 … T (index t − 1). */
export interface GradientFlow {
  sigmaMax: number;
  norms: number[];
}

/**
 * Runs a one-layer, one-direction nn.RNN over `input` [T, B, in] one step at a time (so every h_t
 * is on the tape), with L = Σ h_T, and returns σ_max(W_hh) and ‖∂L/∂h_t‖ for every t. For
 * h_t = f(W_hh h_{t−1} + …) with |f′| ≤ 1, ‖∂L/∂h_t‖ ≤ σ_max^(T−t)·‖∂L/∂h_T‖ (Pascanu et al., 2013).
 */
export function gradientFlow(rnn: RNN, input: Tensor): GradientFlow {
  if (rnn.numLayers !== 1 || rnn.bidirectional || rnn.batchFirst || input.ndim !== 3)
    throw new Error(`gradientFlow: expected a one-layer, one-direction nn.RNN without batchFirst and an input [T, B, in], got ${rnn.toString()} and ${fmtShape(input.shape)}`);
  const T = input.shape[0]!;
  const hs: Tensor[] = [];
  let h: Tensor | null = null;
  for (let t = 0; t < T; t++) {
    h = rnn.forward(input.narrow(0, t, 1), h)[1];
    hs.push(h);
  }
  const norms = grad(h!.sum(), hs).map((g) => g!.norm().item());
  const wHh = rnn.namedParameters().find(([k]) => k === "weight_hh_l0")![1];
  return { sigmaMax: largestSingularValue(wHh), norms };
}

/**
 * The deck's experiment: Elman tanh layers (hidden `hidden`) whose W_hh = σ·Q with Q orthogonal, so
 * every singular value is σ, without biases and driven by small inputs (tanh′ ≈ 1): gradients shrink like σ^(T−t) for
 * σ < 1 and grow like it for σ > 1.
 */
export function gradientFlowDemo(sigmas: readonly number[] = [0.9, 1, 1.1], { steps = 50, hidden = 16, batch = 4 } = {}): GradientFlow[] {
  return sigmas.map((sigma) => {
    const rnn = new RNN(4, hidden, { bias: false, dtype: "float64" });
    noGrad(() => orthogonal(rnn.namedParameters().find(([k]) => k === "weight_hh_l0")![1], { gain: sigma }));
    return gradientFlow(rnn, randn([steps, batch, 4], { dtype: "float64" }).mul(1e-4));
  });
}

/** A Vega-Lite spec: ‖∂L/∂h_t‖ per time step (log scale), one colour per σ_max, the bound σ_max^(T−t)·‖∂L/∂h_T‖ dashed. */
export function gradientFlowSpec(flows: readonly GradientFlow[], title = "gradients through time against σ_max(W_hh)"): Record<string, unknown> {
  const values = flows.flatMap(({ sigmaMax, norms }) => {
    const T = norms.length, label = `σ_max = ${sigmaMax.toFixed(2)}`;
    return norms.flatMap((n, i) => [
      { t: i + 1, norm: n, series: label, kind: "measured" },
      { t: i + 1, norm: norms[T - 1]! * sigmaMax ** (T - 1 - i), series: label, kind: "bound σ_max^(T−t)" },
    ]);
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    width: 420,
    height: 260,
    data: { values },
    mark: { type: "line" },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time step t" },
      y: { field: "norm", type: "quantitative", title: "gradient norm", scale: { type: "log" } },
      color: { field: "series", type: "nominal", title: "W_hh" },
      strokeDash: { field: "kind", type: "nominal", title: "‖∂L/∂h_t‖" },
    },
  };
}

/** gradientFlowSpec rendered as an SVG document string. */
export async function plotGradientFlow(flows: readonly GradientFlow[], title?: string): Promise<string> {
  if (!flows.length || flows.some((f) => f.norms.some((n) => !(n > 0))))
    throw new Error("plotGradientFlow: expected curves with positive gradient norms (a log scale cannot show zeros)");
  return renderSvg(gradientFlowSpec(flows, title));
}
