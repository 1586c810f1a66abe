// Deck 001/004's vanishing and exploding gradients as a plot: gradientFlow's norms against the
// σ_max(W_hh)^(T−t) prediction, and the SVG that `myelin gradients` writes (Vega-Lite).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualSeed, nn, randn } from "../src/index.js";
import { gradientFlow, gradientFlowDemo, gradientFlowSpec, plotGradientFlow } from "../src/train/index.js";

test("W_hh = σ·Q (Q orthogonal), small states: ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ = σ^(T−t), vanishing below 1 and exploding above", () => {
  manualSeed(1);
  const flows = gradientFlowDemo([0.8, 1.2], { steps: 30 });
  for (const { sigmaMax, norms } of flows)
    norms.forEach((n, t) => {
      const want = sigmaMax ** (29 - t);
      assert.ok(Math.abs(n / norms[29]! / want - 1) < 1e-3, `σ = ${sigmaMax}, t = ${t}: ${n / norms[29]!} vs ${want}`);
    });
  assert.ok(Math.abs(flows[0]!.sigmaMax - 0.8) < 1e-9 && Math.abs(flows[1]!.sigmaMax - 1.2) < 1e-9);
  assert.ok(flows[0]!.norms[0]! < 1e-2 * flows[0]!.norms[29]!, "σ = 0.8 vanishes");
  assert.ok(flows[1]!.norms[0]! > 100 * flows[1]!.norms[29]!, "σ = 1.2 explodes");
});

test("a default-initialized tanh layer stays under its bound σ_max^(T−t)", () => {
  manualSeed(2);
  const rnn = new nn.RNN(3, 8, { dtype: "float64" });
  const { sigmaMax, norms } = gradientFlow(rnn, randn([20, 2, 3], { dtype: "float64" }));
  norms.forEach((n, t) => assert.ok(n <= norms[19]! * sigmaMax ** (19 - t) * (1 + 1e-9), `t = ${t}`));
});

test("the SVG has one measured and one bound line per σ_max, on a log scale, with the data in it", async () => {
  manualSeed(3);
  const flows = gradientFlowDemo([0.9, 1.1], { steps: 12 });
  const spec = gradientFlowSpec(flows) as { data: { values: { t: number; norm: number; series: string; kind: string }[] } };
  assert.equal(spec.data.values.length, 2 * 2 * 12);
  const svg = await plotGradientFlow(flows);
  assert.match(svg, /^<svg/);
  const lines = [...svg.matchAll(/aria-roledescription="line mark"/g)];
  assert.equal(lines.length, 4);
  for (const label of ["σ_max = 0.90", "σ_max = 1.10", "measured", "bound σ_max^(T−t)", "log scale"]) assert.ok(svg.includes(label), label);
  // the first measured point of σ = 1.1 is the exploded one: σ^11 times the last
  const first = spec.data.values.find((r) => r.series === "σ_max = 1.10" && r.kind === "measured" && r.t === 1)!;
  assert.ok(svg.includes(`gradient norm: ${first.norm.toPrecision(12).replace(/0+$/, "")}`), "the plotted value is the measured one");
  await assert.rejects(plotGradientFlow([{ sigmaMax: 1, norms: [1, 0] }]), /positive gradient norms/);
});

test("myelin gradients writes the plot and prints the ratios", async () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-grad-"));
  try {
    const out = join(dir, "g.svg");
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [join(import.meta.dirname, "../src/cli/main.js"), "gradients", "--steps", "20", "--out", out], (err, so) => (err ? reject(new Error(err.message)) : resolve(so))));
    assert.match(stdout, /σ_max\(W_hh\) = 0\.900: .*σ_max\^\(T−1\) = 1\.35\de-1/);
    assert.match(readFileSync(out, "utf8"), /^<svg[^]*σ_max = 1\.10/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
