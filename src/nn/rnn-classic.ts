// Recurrent networks of the course that PyTorch lacks: the Jordan network (deck 002), the fully
// recurrent network (deck 000) and deck 004's RNN with a sigmoid state and a softmax output. Each
// runs one cell function of functional/rnn.ts per step, like nn.RNN does.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { zeros } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { fullyRecurrentCell, jordanCell, sigmoidRnnCell, type RecurrentActivation } from "./functional/rnn.js";
import { uniform } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** The time steps of [T, B, in] ([B, T, in] with batchFirst), checked. */
function timeSteps(name: string, x: Tensor, batchFirst: boolean, inputSize: number): Tensor[] {
  if (x.ndim !== 3 || x.shape[2] !== inputSize)
    throw new Error(`${name}: expected input ${batchFirst ? "[B, T" : "[T, B"}, ${inputSize}], got ${fmtShape(x.shape)}`);
  const d = batchFirst ? 1 : 0;
  return Array.from({ length: x.shape[d]! }, (_, t) => x.select(d, t));
}

function initialState(name: string, h: Tensor | null | undefined, like: Tensor, batch: number, size: number, what: string): Tensor {
  if (!h) return zeros([batch, size], { dtype: like.dtype, device: like.device });
  if (h.ndim !== 2 || h.shape[0] !== batch || h.shape[1] !== size) throw new Error(`${name}: expected ${what} of shape [${batch},${size}], got ${fmtShape(h.shape)}`);
  return h;
}

/** Draws every parameter from U(−1/√fan, 1/√fan), torch's choice for recurrent weights. */
function resetUniform(m: Module<never[], unknown>, fan: number): void {
  const k = 1 / Math.sqrt(fan);
  noGrad(() => m.parameters().forEach((p) => uniform(p, { a: -k, b: k })));
}

export interface JordanRNNOptions {
  /** f, the hidden activation (default tanh). */
  nonlinearity?: RecurrentActivation;
  /** g, the output activation (default identity). */
  outputActivation?: RecurrentActivation;
  bias?: boolean;
  batchFirst?: boolean;
  dtype?: DType;
}

/**
 * Jordan network (Jordan, 1986; deck 002): the context fed back is the previous output ŷ, not h:
 *
 *   h_t = f(W_x x_t + W_h ŷ_{t−1} + b_h)      ŷ_t = g(W_y h_t + b_y)
 *
 * Shapes: input [T, B, in] ([B, T, in] with batchFirst), y0 [B, out] (zeros when omitted) →
 * [ŷ [T, B, out], ŷ_T [B, out]]. State dict: weight_x [H, in], weight_h [H, out], bias_h [H],
 * weight_y [out, H], bias_y [out], all initialised U(−1/√H, 1/√H).
 *
 * @example
 * const net = new nn.JordanRNN(3, 16, 2);
 * const [y, yLast] = net.forward(randn([10, 4, 3])); // [10, 4, 2], [4, 2]
 */
export class JordanRNN extends Module<[Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  weightX: Tensor;
  weightH: Tensor;
  biasH: Tensor | null;
  weightY: Tensor;
  biasY: Tensor | null;
  readonly nonlinearity: RecurrentActivation;
  readonly outputActivation: RecurrentActivation;
  readonly batchFirst: boolean;
  constructor(readonly inputSize: number, readonly hiddenSize: number, readonly outputSize: number, ...args: Args<[], JordanRNNOptions>) {
    super();
    const o = resolveArgs<Required<JordanRNNOptions>>("nn.JordanRNN", args, [], { nonlinearity: "tanh", outputActivation: "identity", bias: true, batchFirst: false, dtype: "float32" });
    const p = (shape: number[]): Tensor => Parameter(zeros(shape, { dtype: o.dtype }));
    this.weightX = p([hiddenSize, inputSize]);
    this.weightH = p([hiddenSize, outputSize]);
    this.biasH = o.bias ? p([hiddenSize]) : null;
    this.weightY = p([outputSize, hiddenSize]);
    this.biasY = o.bias ? p([outputSize]) : null;
    [this.nonlinearity, this.outputActivation, this.batchFirst] = [o.nonlinearity, o.outputActivation, o.batchFirst];
    resetUniform(this, hiddenSize);
  }
  forward(input: Tensor, y0: Tensor | null = null): [Tensor, Tensor] {
    const xs = timeSteps("nn.JordanRNN", input, this.batchFirst, this.inputSize);
    let y = initialState("nn.JordanRNN", y0, this.weightX, input.shape[this.batchFirst ? 0 : 1]!, this.outputSize, "y0");
    const ys = xs.map((x) => (y = jordanCell(x, y, this.weightX, this.weightH, this.biasH, this.weightY, this.biasY, this.nonlinearity, this.outputActivation)[1]));
    return [stack(ys, this.batchFirst ? 1 : 0), y];
  }
}

export interface FullyRecurrentOptions {
  /** How many units are outputs (the first ones; default all). */
  outputSize?: number;
  nonlinearity?: RecurrentActivation;
  bias?: boolean;
  batchFirst?: boolean;
  dtype?: DType;
}

/**
 * Fully recurrent network (deck 000; Williams & Zipser, 1989): N units, each connected to the
 * external input and to the previous output of every unit, the most general recurrent topology:
 *
 *   a_t = f(W [x_t; a_{t−1}] + b),    output y_t = the first outputSize units of a_t
 *
 * Setting blocks of W to zero gives the other topologies (an Elman layer is the case where every
 * unit is an output). Shapes: input [T, B, in], a0 [B, N] → [y [T, B, outputSize], a_T [B, N]].
 * State dict: weight [N, in + N], bias [N], initialised U(−1/√N, 1/√N).
 */
export class FullyRecurrent extends Module<[Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  weight: Tensor;
  bias: Tensor | null;
  readonly nonlinearity: RecurrentActivation;
  readonly batchFirst: boolean;
  readonly outputSize: number;
  constructor(readonly inputSize: number, readonly numUnits: number, ...args: Args<[outputSize: number], FullyRecurrentOptions>) {
    super();
    const o = resolveArgs<Required<FullyRecurrentOptions>>("nn.FullyRecurrent", args, ["outputSize"], { outputSize: numUnits, nonlinearity: "tanh", bias: true, batchFirst: false, dtype: "float32" });
    if (!Number.isInteger(o.outputSize) || o.outputSize < 1 || o.outputSize > numUnits)
      throw new RangeError(`nn.FullyRecurrent: outputSize must be an integer in [1, numUnits = ${numUnits}], got ${o.outputSize}`);
    this.weight = Parameter(zeros([numUnits, inputSize + numUnits], { dtype: o.dtype }));
    this.bias = o.bias ? Parameter(zeros([numUnits], { dtype: o.dtype })) : null;
    [this.outputSize, this.nonlinearity, this.batchFirst] = [o.outputSize, o.nonlinearity, o.batchFirst];
    resetUniform(this, numUnits);
  }
  forward(input: Tensor, a0: Tensor | null = null): [Tensor, Tensor] {
    const xs = timeSteps("nn.FullyRecurrent", input, this.batchFirst, this.inputSize);
    let a = initialState("nn.FullyRecurrent", a0, this.weight, input.shape[this.batchFirst ? 0 : 1]!, this.numUnits, "a0");
    const ys = xs.map((x) => (a = fullyRecurrentCell(x, a, this.weight, this.bias, this.nonlinearity)).narrow(1, 0, this.outputSize));
    return [stack(ys, this.batchFirst ? 1 : 0), a];
  }
}

export interface SigmoidRNNOptions {
  /** Add biases to the state and the output (the deck has none). */
  bias?: boolean;
  batchFirst?: boolean;
  dtype?: DType;
}

/**
 * Deck 004's RNN: a sigmoid memory state S and a softmax output O at every step,
 *
 *   S_t = σ(U X_t + W S_{t−1})      O_t = softmax(V S_t)
 *
 * Shapes: input [T, B, in], s0 [B, H] → [O [T, B, classes] (probabilities), S_T [B, H]]. State dict:
 * weight_u [H, in], weight_w [H, H], weight_v [classes, H] (and bias_s, bias_o with bias: true),
 * initialised U(−1/√H, 1/√H). Train it with F.nllLoss(O.log()) or read O as class probabilities.
 */
export class SigmoidRNN extends Module<[Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  weightU: Tensor;
  weightW: Tensor;
  weightV: Tensor;
  biasS: Tensor | null;
  biasO: Tensor | null;
  readonly batchFirst: boolean;
  constructor(readonly inputSize: number, readonly hiddenSize: number, readonly numClasses: number, ...args: Args<[], SigmoidRNNOptions>) {
    super();
    const o = resolveArgs<Required<SigmoidRNNOptions>>("nn.SigmoidRNN", args, [], { bias: false, batchFirst: false, dtype: "float32" });
    const p = (shape: number[]): Tensor => Parameter(zeros(shape, { dtype: o.dtype }));
    this.weightU = p([hiddenSize, inputSize]);
    this.weightW = p([hiddenSize, hiddenSize]);
    this.weightV = p([numClasses, hiddenSize]);
    this.biasS = o.bias ? p([hiddenSize]) : null;
    this.biasO = o.bias ? p([numClasses]) : null;
    this.batchFirst = o.batchFirst;
    resetUniform(this, hiddenSize);
  }
  forward(input: Tensor, s0: Tensor | null = null): [Tensor, Tensor] {
    const xs = timeSteps("nn.SigmoidRNN", input, this.batchFirst, this.inputSize);
    let s = initialState("nn.SigmoidRNN", s0, this.weightU, input.shape[this.batchFirst ? 0 : 1]!, this.hiddenSize, "s0");
    const os = xs.map((x) => {
      const [next, out] = sigmoidRnnCell(x, s, this.weightU, this.weightW, this.weightV, this.biasS, this.biasO);
      s = next;
      return out;
    });
    return [stack(os, this.batchFirst ? 1 : 0), s];
  }
}
