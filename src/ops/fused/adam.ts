// One Adam/AdamW update of a parameter (optim/adam.ts): inputs p, g, m, v, outputs p', m', v'.
// The wasm kernel (Backend.adamStep, wasm/optim.ts) runs the reference's float32 operations in the
// same order in one pass, so both agree bit for bit; with h.inPlace it writes m′ and v′ over m and v
// (the reference stays functional). Not differentiable (optimizers run under noGrad).

import type { AdamHyper } from "../../backend/backend.js";
import { Tensor } from "../../tensor.js";
import type { FusedDef } from "./def.js";

export const adamStep: FusedDef<AdamHyper> = {
  reference: ([p0, g0, m0, v0], h) => {
    let p = p0!, g = g0!;
    if (h.decay !== 1) p = p.mul(h.decay);
    if (h.weightDecay !== 0) g = g.add(p.mul(h.weightDecay));
    const m = m0!.mul(h.beta1).add(g.mul(1 - h.beta1));
    const v = v0!.mul(h.beta2).add(g.mul(g).mul(1 - h.beta2));
    const denom = v.sqrt().div(h.bc2Sqrt).add(h.eps);
    return [p.sub(m.div(denom).mul(h.stepSize)), m, v];
  },
  backward: null,
  kernels: {
    wasm: ([p, g, m, v], h) => {
      const b = p!.backend;
      if (!b.adamStep || p!.dtype !== "float32") return null;
      // an output written over its input is that input tensor (h.inPlace: m and v)
      const xs = [p!, m!, v!]; // (p too with h.inPlaceParam)
      return b.adamStep(p!, g!, m!, v!, h).map((s, i) => (s === xs[i]!.storage ? xs[i]! : Tensor.fromStorage(b, s, p!.shape, "float32")));
    },
  },
};
