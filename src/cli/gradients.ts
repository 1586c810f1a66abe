// `myelin gradients`: deck 001/004's vanishing and exploding gradients, measured. Elman layers whose
// W_hh has every singular value σ run for T steps; ‖∂L/∂h_t‖ per step is printed and plotted as SVG.

import { writeFileSync } from "node:fs";
import { manualSeed } from "../index.js";
import { gradientFlowDemo, plotGradientFlow } from "../train/index.js";
import { num, str, type Command } from "./shared.js";

export const gradients: Command = {
  summary: "plot gradient norms through time against σ_max(W_hh) (vanishing and exploding gradients)",
  usage: `myelin gradients [options]
  --sigmas 0.9,1,1.1  the largest singular values of W_hh to compare
  --steps N           sequence length T (default 50)
  --out FILE          where the SVG goes (default gradients.svg)`,
  options: { sigmas: { type: "string" }, steps: { type: "string" }, out: { type: "string" } },
  async run(v) {
    const sigmas = (str(v, "sigmas") ?? "0.9,1,1.1").split(",").map((s) => {
      const x = Number(s);
      if (s.trim() === "" || !(x > 0)) throw new Error(`--sigmas expects positive numbers separated by commas, got '${str(v, "sigmas")}'`);
      return x;
    });
    const steps = num(v, "steps", 50, { integer: true, min: 2 });
    const out = str(v, "out") ?? "gradients.svg";
    manualSeed(0);
    const flows = gradientFlowDemo(sigmas, { steps });
    for (const { sigmaMax, norms } of flows) {
      const ratio = norms[0]! / norms[steps - 1]!;
      console.log(`σ_max(W_hh) = ${sigmaMax.toFixed(3)}: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = ${ratio.toExponential(3)} (σ_max^(T−1) = ${(sigmaMax ** (steps - 1)).toExponential(3)})`);
    }
    writeFileSync(out, await plotGradientFlow(flows, `gradients through ${steps} steps of an Elman RNN against σ_max(W_hh)`));
    console.log(`plot saved to ${out}`);
  },
};
