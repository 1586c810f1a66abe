// split and unbind as one tape node with several outputs: the outputs are views (no copy), and
// the backward is a single cat (stack), so walking the T steps of a sequence costs O(T), where T
// separate slices would each pad their gradient back to the whole sequence (O(T²)).

import { Tensor } from "../../tensor.js";
import { zerosLike } from "../elementwise.js";
import { cat, narrow, select, stack } from "../movement.js";
import type { FusedDef } from "./def.js";

/** Gradients of the outputs, zeros for those that got none. */
const filled = (gs: readonly (Tensor | null)[], outs: readonly Tensor[]): Tensor[] => gs.map((g, i) => g ?? zerosLike(outs[i]!));

export const split: FusedDef<{ dim: number; sizes: readonly number[] }> = {
  reference: ([x], { dim, sizes }) => {
    let at = 0;
    return sizes.map((s) => narrow(x!, dim, (at += s) - s, s));
  },
  // gradients already side by side in one storage as the outputs lie in x (the attention's dq, dk, dv
  // of a split q, k, v projection) are x's view of that storage: no cat
  backward: (gs, [x], outs, { dim, sizes }) => {
    const g0 = gs[0], st = g0?.strides, at = (i: number): number => g0!.offset + sizes.slice(0, i).reduce((a, b) => a + b, 0) * st![dim]!;
    const joined = gs.every((g, i) => g && g.storage === g0!.storage && g.offset === at(i) && g.strides.every((s, d) => s === st![d]));
    return [joined ? Tensor.fromView(g0!, x!.shape, st!, g0!.offset) : cat(filled(gs, outs), dim)];
  },
  readsInputs: false,
};

export const unbind: FusedDef<{ dim: number }> = {
  reference: ([x], { dim }) => Array.from({ length: x!.shape[dim]! }, (_, i) => select(x!, dim, i)),
  backward: (gs, _, outs, { dim }) => [stack(filled(gs, outs), dim)],
  readsInputs: false,
};
