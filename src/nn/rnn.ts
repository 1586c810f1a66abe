// The multi-layer recurrent layers nn.RNN, nn.LSTM and nn.GRU: PyTorch's arguments, shapes,
// state-dict keys (weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0) and return values. One loop
// walks any cell of functional/rnn.ts over time, layers and directions, padded or packed.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { tensor, zeros } from "../ops/creation.js";
import { applyFused } from "../ops/fused/table.js";
import { cat, stack } from "../ops/movement.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { dropout as dropoutFn } from "./functional/layers.js";
import { gruCell, lstmCell, rnnReluCell, rnnTanhCell } from "./functional/rnn.js";
import { uniform } from "./init.js";
import { Module } from "./module.js";
import { PackedSequence } from "./packed.js";
import { checkStateArg } from "./rnn-cell.js";

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** The weights of one layer and direction, in torch's _flat_weights order. */
interface Weights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
}

/** One time step: the state ([h] or [h, c]) after input x. The output of the step is state[0]. */
type Step = (x: Tensor, state: Tensor[], w: Weights) => Tensor[];
const STEPS: Record<Mode, Step> = {
  RNN_TANH: (x, [h], w) => [rnnTanhCell(x, h!, w.wIh, w.wHh, w.bIh, w.bHh)],
  RNN_RELU: (x, [h], w) => [rnnReluCell(x, h!, w.wIh, w.wHh, w.bIh, w.bHh)],
  LSTM: (x, [h, c], w) => lstmCell(x, [h!, c!], w.wIh, w.wHh, w.bIh, w.bHh, w.wHr),
  GRU: (x, [h], w) => [gruCell(x, h!, w.wIh, w.wHh, w.bIh, w.bHh)],
};

export interface RNNBaseOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last (training mode only). */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: DType;
}
export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: "tanh" | "relu";
}
export interface LSTMOptions extends RNNBaseOptions {
  /** When > 0, h is projected to projSize features by weight_hr (Sak et al., 2014). */
  projSize?: number;
}
export type GRUOptions = RNNBaseOptions;

type Output = Tensor | PackedSequence;

/**
 * What nn.RNN, nn.LSTM and nn.GRU share (torch.nn.RNNBase): parameters registered under torch's
 * keys, torch's initialisation U(−1/√hidden, 1/√hidden) for every weight and bias, and the loop.
 */
export abstract class RNNBase<H, Out> extends Module<[Output, (H | null)?], [Output, Out]> {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  readonly #weights: Weights[] = [];
  readonly #name: string;

  protected constructor(readonly mode: Mode, readonly inputSize: number, readonly hiddenSize: number, o: Required<RNNBaseOptions> & { projSize: number }) {
    super();
    this.#name = `nn.${mode === "LSTM" ? "LSTM" : mode === "GRU" ? "GRU" : "RNN"}`;
    for (const [k, v] of [["inputSize", inputSize], ["hiddenSize", hiddenSize], ["numLayers", o.numLayers]] as const)
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${this.#name}: ${k} must be a positive integer, got ${v}`);
    if (!(o.dropout >= 0 && o.dropout <= 1)) throw new RangeError(`${this.#name}: dropout should be a number in [0, 1], got ${o.dropout}`);
    if (!Number.isInteger(o.projSize) || o.projSize < 0 || (o.projSize > 0 && o.projSize >= hiddenSize))
      throw new RangeError(`${this.#name}: projSize must be an integer in [0, hiddenSize = ${hiddenSize}), got ${o.projSize}`);
    // torch warns here too (UserWarning): dropout acts between layers only, so one layer never drops
    if (o.dropout > 0 && o.numLayers === 1) console.warn(`${this.#name}: dropout acts after all but the last recurrent layer, so dropout = ${o.dropout} with numLayers = 1 does nothing (as in torch)`);
    ({ numLayers: this.numLayers, bias: this.bias, batchFirst: this.batchFirst, dropout: this.dropout, bidirectional: this.bidirectional, projSize: this.projSize } = o);
    const gate = GATES[mode] * hiddenSize;
    const out = o.projSize || hiddenSize;
    const D = o.bidirectional ? 2 : 1;
    for (let l = 0; l < o.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d ? "_reverse" : ""}`;
        const p = (key: string, shape: number[]): Tensor => this.registerParameter(key + sfx, zeros(shape, { dtype: o.dtype }))!;
        const w: Weights = { wIh: p("weight_ih", [gate, l === 0 ? inputSize : out * D]), wHh: p("weight_hh", [gate, out]), bIh: null, bHh: null, wHr: null };
        if (o.bias) [w.bIh, w.bHh] = [p("bias_ih", [gate]), p("bias_hh", [gate])];
        if (o.projSize) w.wHr = p("weight_hr", [o.projSize, hiddenSize]);
        this.#weights.push(w);
      }
    }
    this.resetParameters();
  }

  /** Re-draws every weight and bias from U(−1/√hiddenSize, 1/√hiddenSize), as torch does. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    noGrad(() => this.parameters().forEach((p) => uniform(p, { a: -k, b: k })));
  }

  /** Number of directions (2 when bidirectional). */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * Runs the stack over a padded [T, B, in] ([B, T, in] with batchFirst, [T, in] unbatched) or a
   * packed input; `init` holds the initial states ([L·D, B, size] each, zeros when null).
   */
  protected run(input: Output, init: (Tensor | null)[], sizes: number[]): [Output, Tensor[]] {
    const D = this.numDirections, L = this.numLayers, name = this.#name;
    const packed = input instanceof PackedSequence;
    let xs: Tensor[], batchSizes: number[] | null = null, batched = true, timeDim = 0, B: number;
    let inputFeatures: number | undefined;
    if (packed) {
      batchSizes = input.steps();
      let offset = 0;
      xs = batchSizes.map((bs) => input.data.narrow(0, (offset += bs) - bs, bs));
      B = batchSizes[0]!;
      inputFeatures = input.data.shape[1];
    } else {
      if (input.ndim !== 2 && input.ndim !== 3) throw new Error(`${name}: expected a 2-D (unbatched) or 3-D (batched) input, got ${fmtShape(input.shape)}`);
      batched = input.ndim === 3;
      const x = batched ? input : input.unsqueeze(this.batchFirst ? 0 : 1);
      timeDim = this.batchFirst ? 1 : 0;
      B = x.shape[1 - timeDim]!;
      inputFeatures = x.shape[2];
      // the fused layer (ops/fused/rnn.ts) takes the whole [T, B, in] sequence; packed batches and
      // projections walk the cells below
      xs = this.projSize || !x.shape[timeDim] ? Array.from({ length: x.shape[timeDim]! }, (_, t) => x.select(timeDim, t)) : [x];
    }
    if (inputFeatures !== this.inputSize) throw new Error(`${name}: input.size(-1) must be equal to inputSize. Expected ${this.inputSize}, got ${inputFeatures}`);
    const w0 = this.#weights[0]!.wIh;
    const states = init.map((h, k) => {
      const want = [L * D, B, sizes[k]!];
      if (!h) return zeros(want, { dtype: w0.dtype, device: w0.device });
      const got = batched ? h : h.ndim === 2 ? h.unsqueeze(1) : h;
      if (fmtShape(got.shape) !== fmtShape(want) || (!batched && h.ndim !== 2))
        throw new Error(`${name}: expected ${k ? "cell" : "hidden"} state of shape ${fmtShape(batched ? want : [L * D, sizes[k]!])}, got ${fmtShape(h.shape)}`);
      return packed && input.sortedIndices ? got.indexSelect(1, input.sortedIndices) : got;
    });
    if (!packed && !this.projSize && xs.length === 1 && xs[0]!.ndim === 3) return this.#fused(xs[0]!, states, batched);
    // packed batches run the fused op's masked steps; the cpu backend keeps the cells below (the oracle)
    if (packed && !this.projSize && input.data.device !== "cpu") return this.#packedFused(input, batchSizes!, states);
    const finals: Tensor[][] = states.map(() => []);
    for (let l = 0; l < L; l++) {
      const outs: Tensor[][] = [];
      for (let d = 0; d < D; d++) {
        const [ys, last] = this.#direction(xs, states.map((s) => s.select(0, l * D + d)), this.#weights[l * D + d]!, d === 1, batchSizes);
        outs.push(ys);
        last.forEach((t, k) => finals[k]!.push(t));
      }
      xs = outs[0]!.map((y, t) => (D === 2 ? cat([y, outs[1]![t]!], 1) : y));
      if (this.dropout > 0 && this.training && l < L - 1) xs = xs.map((y) => dropoutFn(y, { p: this.dropout }));
    }
    const finalStates = finals.map((list) => {
      const s = stack(list, 0);
      if (packed && input.unsortedIndices) return s.indexSelect(1, input.unsortedIndices);
      return batched ? s : s.squeeze(1);
    });
    if (packed) return [new PackedSequence(cat(xs, 0), input.batchSizes, input.sortedIndices, input.unsortedIndices), finalStates];
    const output = stack(xs, timeDim);
    return [batched ? output : output.squeeze(this.batchFirst ? 0 : 1), finalStates];
  }

  /**
   * A packed batch through the fused layer: padded to [T, B, in] by one gather (sorted, so the
   * rows still in their sequence at step t are the first batchSizes[t]), the rows past their end
   * carry their state inside the op, and the valid rows are gathered back: PyTorch's packed semantics.
   */
  #packedFused(input: PackedSequence, sizes: number[], states: Tensor[]): [Output, Tensor[]] {
    const T = sizes.length, B = sizes[0]!, N = input.data.shape[0]!, dev = input.data.device;
    const pad: number[] = [], valid: number[] = [];
    for (let t = 0, off = 0; t < T; off += sizes[t++]!)
      for (let b = 0; b < B; b++) {
        pad.push(b < sizes[t]! ? off + b : N);
        if (b < sizes[t]!) valid.push(t * B + b);
      }
    const idx = (v: number[]): Tensor => tensor(Int32Array.from(v), { dtype: "int32", device: dev });
    const x = cat([input.data, zeros([1, this.inputSize], { dtype: input.data.dtype, device: dev })], 0).indexSelect(0, idx(pad));
    const [ys, finals] = this.#fused(x.reshape([T, B, this.inputSize]), states, true, sizes);
    const data = ys.reshape([T * B, ys.shape[2]!]).indexSelect(0, idx(valid));
    const unsort = (s: Tensor): Tensor => (input.unsortedIndices ? s.indexSelect(1, input.unsortedIndices) : s);
    return [new PackedSequence(data, input.batchSizes, input.sortedIndices, input.unsortedIndices), finals.map(unsort)];
  }

  /** The padded path: one fused op per layer and direction over the whole sequence (time-major when batchSizes: a packed batch). */
  #fused(x: Tensor, states: Tensor[], batched: boolean, batchSizes: number[] | null = null): [Tensor, Tensor[]] {
    const D = this.numDirections, timeMajor = !this.batchFirst || !!batchSizes;
    const finals: Tensor[][] = states.map(() => []);
    let seq = timeMajor ? x : x.transpose(0, 1); // [T, B, features]
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const w = this.#weights[l * D + d]!;
        const init = states.map((s) => s.select(0, l * D + d));
        const ins = [seq, ...init, w.wIh, w.wHh, ...(w.bIh && w.bHh ? [w.bIh, w.bHh] : [])];
        const [ys, ...last] = applyFused("rnn", ins, { mode: this.mode, reverse: d === 1, bias: this.bias, ...(batchSizes ? { batchSizes } : {}) });
        outs.push(ys!);
        last.forEach((t, k) => finals[k]!.push(t));
      }
      seq = D === 2 ? cat(outs, 2) : outs[0]!;
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) seq = dropoutFn(seq, { p: this.dropout });
    }
    const output = timeMajor ? seq : seq.transpose(0, 1);
    const finalStates = finals.map((list) => (batched ? stack(list, 0) : stack(list, 0).squeeze(1)));
    return [batched ? output : output.squeeze(this.batchFirst ? 0 : 1), finalStates];
  }

  /** One layer in one direction: the outputs of every step and the final state. */
  #direction(xs: Tensor[], init: Tensor[], w: Weights, reverse: boolean, batchSizes: number[] | null): [Tensor[], Tensor[]] {
    const step = STEPS[this.mode];
    const T = xs.length;
    const ys = new Array<Tensor>(T);
    let state = init;
    if (!batchSizes) {
      for (let k = 0; k < T; k++) {
        const t = reverse ? T - 1 - k : k;
        state = step(xs[t]!, state, w);
        ys[t] = state[0]!;
      }
      return [ys, state];
    }
    if (!reverse) {
      // Sequences end as t grows (the batch is sorted longest first): set their final rows aside.
      const ended: Tensor[][] = [];
      for (let t = 0; t < T; t++) {
        const bs = batchSizes[t]!, rows = state[0]!.shape[0]!;
        if (bs < rows) {
          ended.unshift(state.map((s) => s.narrow(0, bs, rows - bs)));
          state = state.map((s) => s.narrow(0, 0, bs));
        }
        state = step(xs[t]!, state, w);
        ys[t] = state[0]!;
      }
      return [ys, state.map((s, k) => (ended.length ? cat([s, ...ended.map((e) => e[k]!)], 0) : s))];
    }
    // Backwards, sequences start as t falls: they join with their initial state.
    state = init.map((s) => s.narrow(0, 0, batchSizes[T - 1]!));
    for (let t = T - 1; t >= 0; t--) {
      const bs = batchSizes[t]!, rows = state[0]!.shape[0]!;
      if (bs > rows) state = state.map((s, k) => cat([s, init[k]!.narrow(0, rows, bs - rows)], 0));
      state = step(xs[t]!, state, w);
      ys[t] = state[0]!;
    }
    return [ys, state];
  }

  /** torch's repr (RNNBase.extra_repr): the sizes, then what differs from the defaults, e.g. `LSTM(10, 20, numLayers=2, batchFirst=true)`. */
  override toString(): string {
    const extra = [
      this.projSize ? `projSize=${this.projSize}` : "", this.numLayers !== 1 ? `numLayers=${this.numLayers}` : "",
      "nonlinearity" in this && this.nonlinearity !== "tanh" ? `nonlinearity='${String(this.nonlinearity)}'` : "", this.bias ? "" : "bias=false",
      this.batchFirst ? "batchFirst=true" : "", this.dropout ? `dropout=${this.dropout}` : "", this.bidirectional ? "bidirectional=true" : "",
    ];
    return `${this.#name.slice(3)}(${[`${this.inputSize}`, `${this.hiddenSize}`, ...extra.filter(Boolean)].join(", ")})`;
  }
}

const baseDefaults: Required<RNNBaseOptions> = { numLayers: 1, bias: true, batchFirst: false, dropout: 0, bidirectional: false, dtype: "float32" };
const basePositional = ["numLayers", "bias", "batchFirst", "dropout", "bidirectional"] as const;

/**
 * Elman RNN (Elman, 1990): for each layer and time step h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)
 * (relu with nonlinearity: 'relu'); a layer's input is the previous layer's h (both directions
 * concatenated when bidirectional). Shapes: input [T, B, in] ([B, T, in] with batchFirst, [T, in]
 * unbatched) or a PackedSequence; h0 [L·D, B, H]. Returns [output [T, B, D·H], hN [L·D, B, H]].
 * State dict: weight_ih_l{k} [H, in], weight_hh_l{k} [H, H], bias_ih_l{k}, bias_hh_l{k}, with a
 * `_reverse` suffix for the backward direction. Matches torch.nn.RNN.
 *
 * @example
 * const rnn = new nn.RNN(10, 20, 2);
 * const [output, hN] = rnn.forward(randn([5, 3, 10])); // [5, 3, 20], [2, 3, 20]
 */
export class RNN extends RNNBase<Tensor, Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[numLayers: number, nonlinearity: "tanh" | "relu", bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], RNNOptions>) {
    const o = resolveArgs<Required<RNNOptions>>("nn.RNN", args, ["numLayers", "nonlinearity", ...basePositional.slice(1)], { ...baseDefaults, nonlinearity: "tanh" });
    if (o.nonlinearity !== "tanh" && o.nonlinearity !== "relu") throw new Error(`nn.RNN: unknown nonlinearity '${String(o.nonlinearity)}'; expected 'tanh' or 'relu'`);
    super(o.nonlinearity === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, { ...o, projSize: 0 });
    this.nonlinearity = o.nonlinearity;
  }
  forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Output, hx?: Tensor | null): [Output, Tensor];
  forward(input: Output, hx: Tensor | null = null): [Output, Tensor] {
    checkStateArg("nn.RNN", hx, false);
    const [out, [h]] = this.run(input, [hx], [this.hiddenSize]);
    return [out, h!];
  }
}

/**
 * Long short-term memory over time, layers and directions, each step the cell of lstmCell (gates
 * i, f, g, o): c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t), projected by weight_hr when projSize > 0.
 * Returns [output [T, B, D·H_out], [hN [L·D, B, H_out], cN [L·D, B, H]]], H_out = projSize || H.
 * State dict: weight_ih_l{k} [4H, in], weight_hh_l{k} [4H, H_out], biases [4H], weight_hr_l{k}
 * [P, H]. Matches torch.nn.LSTM.
 *
 * @example
 * const lstm = new nn.LSTM(32, 128, { numLayers: 2, batchFirst: true });
 * const [output, [hN, cN]] = lstm.forward(randn([4, 50, 32])); // [4, 50, 128], [2, 4, 128] twice
 */
export class LSTM extends RNNBase<[Tensor, Tensor], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean, projSize: number], LSTMOptions>) {
    const o = resolveArgs<Required<LSTMOptions>>("nn.LSTM", args, [...basePositional, "projSize"], { ...baseDefaults, projSize: 0 });
    super("LSTM", inputSize, hiddenSize, o);
  }
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  forward(input: PackedSequence, hx?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  forward(input: Output, hx?: [Tensor, Tensor] | null): [Output, [Tensor, Tensor]];
  forward(input: Output, hx: [Tensor, Tensor] | null = null): [Output, [Tensor, Tensor]] {
    checkStateArg("nn.LSTM", hx, true);
    const [out, [h, c]] = this.run(input, hx ? [...hx] : [null, null], [this.projSize || this.hiddenSize, this.hiddenSize]);
    return [out, [h!, c!]];
  }
}

/**
 * Gated recurrent unit over time, layers and directions, each step the cell of gruCell (gates r, z, n):
 * h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).
 * Returns [output [T, B, D·H], hN [L·D, B, H]]. State dict: weight_ih_l{k} [3H, in], weight_hh_l{k}
 * [3H, H], biases [3H]. Matches torch.nn.GRU.
 *
 * @example
 * const gru = new nn.GRU(8, 16, { bidirectional: true });
 * const [output, hN] = gru.forward(randn([7, 2, 8])); // [7, 2, 32], [2, 2, 16]
 */
export class GRU extends RNNBase<Tensor, Tensor> {
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], GRUOptions>) {
    const o = resolveArgs<Required<GRUOptions>>("nn.GRU", args, [...basePositional], baseDefaults);
    super("GRU", inputSize, hiddenSize, { ...o, projSize: 0 });
  }
  forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Output, hx?: Tensor | null): [Output, Tensor];
  forward(input: Output, hx: Tensor | null = null): [Output, Tensor] {
    checkStateArg("nn.GRU", hx, false);
    const [out, [h]] = this.run(input, [hx], [this.hiddenSize]);
    return [out, h!];
  }
}
