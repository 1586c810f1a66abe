// split and unbind as one tape node with several outputs: the outputs are views (no copy), and
// the backward is a single cat (stack), so walking the T steps of a sequence costs O(T), where T
// separate slices would each pad their gradient back to the whole sequence (O(T²)).

import type { Tensor } from "../../tensor.js";
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
  backward: (gs, _, outs, { dim }) => [cat(filled(gs, outs), dim)],
  readsInputs: false,
};

export const unbind: FusedDef<{ dim: number }> = {
  reference: ([x], { dim }) => Array.from({ length: x!.shape[dim]! }, (_, i) => select(x!, dim, i)),
  backward: (gs, _, outs, { dim }) => [stack(filled(gs, outs), dim)],
  readsInputs: false,
};
