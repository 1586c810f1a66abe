// Numerical gradient checking (torch.autograd.gradcheck): compares the tape's gradients with
// central differences (f(x+ε) − f(x−ε)) / 2ε. Trustworthy only in float64.

import { grad } from "../autograd/grad.js";
import { noGrad } from "../autograd/grad-mode.js";
import { Tensor } from "../tensor.js";
import { Generator } from "../random.js";
import { fmtShape } from "../shape.js";

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Above this many output elements, compare random projections vᵀJ instead of the full Jacobian. */
  maxFullOutputs?: number;
}

type Fn = (...xs: Tensor[]) => Tensor | readonly Tensor[];

const outputsOf = (fn: Fn, xs: Tensor[]): Tensor[] => {
  const out = fn(...xs);
  return out instanceof Tensor ? [out] : [...out];
};

/**
 * Checks every floating input that requires grad. Throws an error naming the input, the element
 * and both values on the first mismatch; returns true otherwise. Defaults are torch's.
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], { eps = 1e-6, atol = 1e-5, rtol = 1e-3, maxFullOutputs = 64 }: GradcheckOptions = {}): boolean {
  for (const x of inputs)
    if (x.requiresGrad && x.dtype !== "float64")
      throw new Error(`gradcheck: inputs that require grad must be float64 for a trustworthy check, got ${x.dtype} ${fmtShape(x.shape)}`);
  const diffIdx = inputs.flatMap((x, i) => (x.requiresGrad ? [i] : []));
  const outs = outputsOf(fn, [...inputs]).filter((o) => o.isFloatingPoint());
  const totalOut = outs.reduce((a, o) => a + o.numel, 0);
  const rng = new Generator(1234);
  // Directions v: one-hot per output element (the full Jacobian) or a few random ones.
  const directions: Float64Array[] =
    totalOut <= maxFullOutputs
      ? Array.from({ length: totalOut }, (_, k) => Float64Array.from({ length: totalOut }, (_, j) => +(j === k)))
      : Array.from({ length: 3 }, () => Float64Array.from({ length: totalOut }, () => rng.normal()));
  const split = (v: Float64Array): Tensor[] => {
    let at = 0;
    return outs.map((o) => Tensor.fromArray(v.subarray(at, (at += o.numel)), o.shape, o.backend, o.dtype));
  };
  const project = (xs: Tensor[], v: Float64Array): number => {
    let acc = 0, at = 0;
    for (const o of outputsOf(fn, xs).filter((t) => t.isFloatingPoint())) {
      const d = o.dataSync();
      for (let i = 0; i < d.length; i++) acc += d[i]! * v[at + i]!;
      at += d.length;
    }
    return acc;
  };
  for (const [k, v] of directions.entries()) {
    const used = outs.filter((o) => o.requiresGrad);
    const analytic = used.length
      ? grad(used, diffIdx.map((i) => inputs[i]!), { gradOutputs: split(v).filter((_, j) => outs[j]!.requiresGrad), retainGraph: true, allowUnused: true })
      : diffIdx.map(() => null);
    diffIdx.forEach((xi, n) => {
      const x = inputs[xi]!;
      const base = x.dataSync() as Float64Array;
      const ga = analytic[n]?.dataSync();
      for (let j = 0; j < base.length; j++) {
        const numeric = noGrad(() => {
          const shifted = (delta: number): Tensor[] => {
            const d = Float64Array.from(base);
            d[j]! += delta;
            return inputs.map((t, i) => (i === xi ? Tensor.fromArray(d, x.shape, x.backend, "float64") : t));
          };
          return (project(shifted(eps), v) - project(shifted(-eps), v)) / (2 * eps);
        });
        const a = ga ? ga[j]! : 0;
        if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric)))
          throw new Error(
            `gradcheck: input ${xi} ${fmtShape(x.shape)}, element ${j}, ${totalOut <= maxFullOutputs ? `output element ${k}` : `random projection ${k}`}: ` +
              `analytical ${a} vs numerical ${numeric}`,
          );
      }
    });
  }
  return true;
}
