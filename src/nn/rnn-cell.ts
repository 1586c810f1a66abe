// Single-step recurrent cells nn.RNNCell, nn.LSTMCell and nn.GRUCell: the parameters of one layer
// (keys weight_ih, weight_hh, bias_ih, bias_hh) around one call of a cell in functional/rnn.ts.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { zeros } from "../ops/creation.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { gruCell, lstmCell, rnnReluCell, rnnTanhCell } from "./functional/rnn.js";
import { uniform } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

export interface RNNCellBaseOptions {
  bias?: boolean;
  dtype?: DType;
}

export interface RNNCellOptions extends RNNCellBaseOptions {
  nonlinearity?: "tanh" | "relu";
}

/**
 * Checks the container of a state argument before it is read: an LSTM takes a pair [h, c], the
 * others one tensor. Without this a tensor given to an LSTM was read as "no state" (zeros).
 */
export function checkStateArg(name: string, hx: unknown, pair: boolean): void {
  if (hx === null || hx === undefined) return;
  const isTensor = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v) && "shape" in v && "dtype" in v;
  const shown = (v: unknown): string => (Array.isArray(v) ? `an array of ${v.length}` : isTensor(v) ? `a tensor ${fmtShape((v as Tensor).shape)}` : typeof v);
  if (pair ? !(Array.isArray(hx) && hx.length === 2 && hx.every(isTensor)) : !isTensor(hx))
    throw new TypeError(`${name}: expected hx as ${pair ? "a pair [h0, c0] of tensors (torch's tuple)" : "one tensor h0"}, got ${shown(hx)}`);
}

/** The parameters of a cell with `gates` gate blocks, initialised U(−1/√H, 1/√H) as torch does. */
abstract class CellBase<H, Out> extends Module<[Tensor, (H | null)?], Out> {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
  constructor(readonly name: string, readonly inputSize: number, readonly hiddenSize: number, gates: number, bias: boolean, dtype: DType) {
    super();
    for (const [k, v] of [["inputSize", inputSize], ["hiddenSize", hiddenSize]] as const)
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name}: ${k} must be a positive integer, got ${v}`);
    this.weightIh = Parameter(zeros([gates * hiddenSize, inputSize], { dtype }));
    this.weightHh = Parameter(zeros([gates * hiddenSize, hiddenSize], { dtype }));
    this.biasIh = bias ? Parameter(zeros([gates * hiddenSize], { dtype })) : null;
    this.biasHh = bias ? Parameter(zeros([gates * hiddenSize], { dtype })) : null;
    this.resetParameters();
  }

  /** torch's RNNCellBase.extra_repr: `LSTMCell(3, 4)`, `RNNCell(3, 4, bias=false, nonlinearity='relu')`. */
  override extraRepr(): string {
    const nl = (this as { nonlinearity?: string }).nonlinearity;
    return [`${this.inputSize}`, `${this.hiddenSize}`, this.biasIh ? "" : "bias=false", nl && nl !== "tanh" ? `nonlinearity='${nl}'` : ""].filter(Boolean).join(", ");
  }

  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    noGrad(() => this.parameters().forEach((p) => uniform(p, { a: -k, b: k })));
  }

  /** input [B, in] or [in] (unbatched) → [batched input, whether it was batched]. */
  protected batch(input: Tensor): [Tensor, boolean] {
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inputSize)
      throw new Error(`${this.name}: expected input [batch, ${this.inputSize}] or [${this.inputSize}], got ${fmtShape(input.shape)}`);
    return input.ndim === 2 ? [input, true] : [input.unsqueeze(0), false];
  }

  /** A state given by the caller (batched like the input), or zeros. */
  protected state(h: Tensor | null | undefined, x: Tensor, batched: boolean, what: string): Tensor {
    const want = [x.shape[0]!, this.hiddenSize];
    if (!h) return zeros(want, { dtype: x.dtype, device: x.device });
    if (h.ndim !== (batched ? 2 : 1) || h.shape[h.ndim - 1] !== this.hiddenSize || (batched && h.shape[0] !== want[0]))
      throw new Error(`${this.name}: expected ${what} of shape ${fmtShape(batched ? want : [this.hiddenSize])}, got ${fmtShape(h.shape)}`);
    return batched ? h : h.unsqueeze(0);
  }
}

/**
 * One Elman step h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu). input [B, in] or [in], hx
 * [B, H] (zeros when omitted) → h' [B, H]. Matches torch.nn.RNNCell.
 */
export class RNNCell extends CellBase<Tensor, Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[bias: boolean, nonlinearity: "tanh" | "relu"], RNNCellOptions>) {
    const o = resolveArgs<Required<RNNCellOptions>>("nn.RNNCell", args, ["bias", "nonlinearity"], { bias: true, nonlinearity: "tanh", dtype: "float32" });
    if (o.nonlinearity !== "tanh" && o.nonlinearity !== "relu") throw new Error(`nn.RNNCell: unknown nonlinearity '${String(o.nonlinearity)}'; expected 'tanh' or 'relu'`);
    super("nn.RNNCell", inputSize, hiddenSize, 1, o.bias, o.dtype);
    this.nonlinearity = o.nonlinearity;
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    checkStateArg(this.name, hx, false);
    const [x, batched] = this.batch(input);
    const cell = this.nonlinearity === "tanh" ? rnnTanhCell : rnnReluCell;
    const h = cell(x, this.state(hx, x, batched, "hx"), this.weightIh, this.weightHh, this.biasIh, this.biasHh);
    return batched ? h : h.squeeze(0);
  }
}

/**
 * One LSTM step (see lstmCell: gates i, f, g, o). input [B, in] or [in], [hx, cx] [B, H] each
 * (zeros when omitted) → [h', c']. Matches torch.nn.LSTMCell.
 */
export class LSTMCell extends CellBase<[Tensor, Tensor], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[bias: boolean], RNNCellBaseOptions>) {
    const o = resolveArgs<Required<RNNCellBaseOptions>>("nn.LSTMCell", args, ["bias"], { bias: true, dtype: "float32" });
    super("nn.LSTMCell", inputSize, hiddenSize, 4, o.bias, o.dtype);
  }
  forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    checkStateArg(this.name, hx, true);
    const [x, batched] = this.batch(input);
    const state: [Tensor, Tensor] = [this.state(hx?.[0], x, batched, "hx"), this.state(hx?.[1], x, batched, "cx")];
    const [h, c] = lstmCell(x, state, this.weightIh, this.weightHh, this.biasIh, this.biasHh);
    return batched ? [h, c] : [h.squeeze(0), c.squeeze(0)];
  }
}

/**
 * One GRU step (see gruCell: gates r, z, n). input [B, in] or [in], hx [B, H] (zeros when omitted)
 * → h' [B, H]. Matches torch.nn.GRUCell.
 */
export class GRUCell extends CellBase<Tensor, Tensor> {
  constructor(inputSize: number, hiddenSize: number, ...args: Args<[bias: boolean], RNNCellBaseOptions>) {
    const o = resolveArgs<Required<RNNCellBaseOptions>>("nn.GRUCell", args, ["bias"], { bias: true, dtype: "float32" });
    super("nn.GRUCell", inputSize, hiddenSize, 3, o.bias, o.dtype);
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    checkStateArg(this.name, hx, false);
    const [x, batched] = this.batch(input);
    const h = gruCell(x, this.state(hx, x, batched, "hx"), this.weightIh, this.weightHh, this.biasIh, this.biasHh);
    return batched ? h : h.squeeze(0);
  }
}
