// Backpropagation through time and its tools: truncated BPTT over a long sequence (carry the state,
// cut the gradient every k steps), detaching nested recurrent states, and the largest singular
// value of a recurrent weight, which bounds how fast gradients vanish or explode through time.

import { noGrad } from "../autograd/grad-mode.js";
import { randn } from "../ops/creation.js";
import { clipGradNorm } from "../composites/clip.js";
import { fmtShape } from "../shape.js";
import { Tensor } from "../tensor.js";

/** A recurrent state: a tensor (h), a tuple of them (LSTM's [h, c]), nested, or null. */
export type RecurrentState = Tensor | null | readonly RecurrentState[];

/** The same state with every tensor detached: values kept, history cut (the "truncate" of TBPTT). */
export function detachState<S extends RecurrentState>(state: S): S {
  if (state === null) return state;
  if (state instanceof Tensor) return state.detach() as S;
  const parts: readonly RecurrentState[] = state;
  return parts.map((s) => detachState(s)) as unknown as S;
}

/** Where a chunk lies in the whole sequence. */
export interface ChunkInfo {
  index: number;
  start: number;
  end: number;
}

export interface TruncatedBpttOptions {
  /** The time dim of `input` (0 for [T, B, …], 1 for batchFirst). */
  timeDim?: number;
  /** Stepped (after zeroGrad and backward) once per chunk; without one, gradients accumulate. */
  optimizer?: { zeroGrad(): void; step(): void };
  /** Clip the total gradient norm of these parameters to `maxNorm` before each step. */
  clip?: { params: Iterable<Tensor>; maxNorm: number };
}

/**
 * Truncated backpropagation through time (Williams & Peng, 1990; deck 002): walks a long sequence
 * in chunks of k steps. Each chunk runs forward from the state the previous chunk left, its loss is
 * backpropagated within the chunk only, the optimizer steps, and the state goes on detached, so the
 * state still carries information across the whole sequence while no gradient flows more than k
 * steps back and memory stays O(k). `run(chunk, state, info)` returns [loss or null, new state];
 * the state is null for the first chunk. Returns the chunk losses and the final (detached) state.
 *
 * @example
 * const { losses } = truncatedBptt(x, 35, (xc, h, { start, end }) => {
 *   const [out, hN] = lstm.forward(xc, h);
 *   return [F.mseLoss(head.forward(out), y.slice(0, start, end)), hN];
 * }, { optimizer: opt });
 */
export function truncatedBptt<S extends RecurrentState>(
  input: Tensor, k: number, run: (chunk: Tensor, state: S | null, info: ChunkInfo) => [Tensor | null, S], opts: TruncatedBpttOptions = {},
): { losses: number[]; state: S | null } {
  const { timeDim = 0, optimizer, clip } = opts;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`truncatedBptt: k must be a positive integer, got ${k}`);
  if (timeDim < 0 || timeDim >= input.ndim) throw new RangeError(`truncatedBptt: timeDim ${timeDim} is out of range for input ${fmtShape(input.shape)}`);
  const T = input.shape[timeDim]!;
  const losses: number[] = [];
  let state: S | null = null;
  for (let start = 0, index = 0; start < T; start += k, index++) {
    const end = Math.min(T, start + k);
    optimizer?.zeroGrad();
    const [loss, next] = run(input.slice(timeDim, start, end), state, { index, start, end });
    if (loss) {
      loss.backward();
      if (clip) clipGradNorm(clip.params, clip.maxNorm);
      optimizer?.step();
      losses.push(loss.item());
    }
    state = detachState(next);
  }
  return { losses, state };
}

/**
 * The largest singular value σ_max of a matrix, by power iteration on WᵀW. For h_t = f(W h_{t−1} + …)
 * with |f′| ≤ 1, ‖∂h_t/∂h_{t−n}‖ ≤ σ_max(W)ⁿ: below 1 gradients vanish through time, above 1
 * they can explode (Pascanu et al., 2013; deck 001's 1.01¹⁰⁰⁰ ≈ 20959 and 0.99¹⁰⁰⁰ ≈ 4.3e-5).
 */
export function largestSingularValue(w: Tensor, iters = 100): number {
  if (w.ndim !== 2) throw new Error(`largestSingularValue: expected a matrix, got ${fmtShape(w.shape)}`);
  return noGrad(() => {
    const m = w.detach().double();
    let v = randn([m.shape[1]!, 1], { dtype: "float64", device: m.device });
    let sigma = 0;
    for (let i = 0; i < iters; i++) {
      const u = m.matmul(v);
      sigma = u.norm().item();
      if (sigma === 0) return 0;
      const back = m.t().matmul(u);
      v = back.div(back.norm());
    }
    return sigma;
  });
}
