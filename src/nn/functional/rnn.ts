// The recurrent cells as pure functions of (input, state, weights): one step of an Elman RNN, an
// LSTM and a GRU with PyTorch's gate orders. Modules in src/nn/rnn*.ts call these once per time
// step; each function is also the reference (oracle) for a future fused kernel of the same cell.

import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { linear } from "./layers.js";

/** Checks shapes; `proj` is true for an LSTM with a projection, whose state has W_hh.shape[1] features. */
function checkCell(op: string, input: Tensor, hx: Tensor, wIh: Tensor, wHh: Tensor, gates: number, proj = false): number {
  const cells = wIh.shape[0]! / gates;
  const stateSize = wHh.shape[1]!;
  if (wIh.ndim !== 2 || wHh.ndim !== 2 || !Number.isInteger(cells) || wHh.shape[0] !== wIh.shape[0] || (!proj && stateSize !== cells))
    throw new Error(`${op}: expected weights [${gates}·H, in] and [${gates}·H, H], got ${fmtShape(wIh.shape)} and ${fmtShape(wHh.shape)}`);
  if (input.ndim !== 2 || input.shape[1] !== wIh.shape[1])
    throw new Error(`${op}: expected input [batch, ${wIh.shape[1]}], got ${fmtShape(input.shape)}`);
  if (hx.ndim !== 2 || hx.shape[0] !== input.shape[0] || hx.shape[1] !== stateSize)
    throw new Error(`${op}: expected hidden state [${input.shape[0]}, ${stateSize}], got ${fmtShape(hx.shape)}`);
  return cells;
}

/**
 * One Elman step: h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (Elman, 1990; deck 000's formula).
 * x [B, in], h [B, H], W_ih [H, in], W_hh [H, H] → h' [B, H]. Matches torch.rnn_tanh_cell.
 */
export function rnnTanhCell(input: Tensor, hx: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null, ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.rnnTanhCell", args, [], {});
  checkCell("rnnTanhCell", input, hx, wIh, wHh, 1);
  return linear(input, wIh, bIh).add(linear(hx, wHh, bHh)).tanh();
}

/** One Elman step with ReLU: h' = relu(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh). Matches torch.rnn_relu_cell. */
export function rnnReluCell(input: Tensor, hx: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null, ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.rnnReluCell", args, [], {});
  checkCell("rnnReluCell", input, hx, wIh, wHh, 1);
  return linear(input, wIh, bIh).add(linear(hx, wHh, bHh)).relu();
}

/**
 * One LSTM step (Hochreiter & Schmidhuber, 1997, with the forget gate of Gers et al., 2000), gates
 * stacked in PyTorch's order i, f, g, o in W_ih [4H, in] and W_hh [4H, H]:
 *
 *   i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
 *   c' = f ⊙ c + i ⊙ g                       h' = o ⊙ tanh(c')
 *
 * Deck 002 writes o with tanh and h' = o + tanh(c'), and deck 004 a σ candidate; both are typos, so
 * this follows the paper and torch.nn.LSTM. With a projection W_hr [P, H] (Sak et al., 2014),
 * h' = (o ⊙ tanh(c'))·W_hrᵀ and h has P features. Returns [h', c']. Matches torch.lstm_cell.
 */
export function lstmCell(
  input: Tensor, [hx, cx]: readonly [Tensor, Tensor], wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null, wHr?: Tensor | null, ...args: Args<[], Record<never, never>>
): [Tensor, Tensor] {
  resolveArgs("F.lstmCell", args, [], {});
  const cells = checkCell("lstmCell", input, hx, wIh, wHh, 4, !!wHr);
  if (wHr && (wHr.ndim !== 2 || wHr.shape[0] !== wHh.shape[1] || wHr.shape[1] !== cells))
    throw new Error(`lstmCell: expected weight_hr [${wHh.shape[1]}, ${cells}], got ${fmtShape(wHr.shape)}`);
  if (cx.ndim !== 2 || cx.shape[0] !== input.shape[0] || cx.shape[1] !== cells)
    throw new Error(`lstmCell: expected cell state [${input.shape[0]}, ${cells}], got ${fmtShape(cx.shape)}`);
  const gates = linear(input, wIh, bIh).add(linear(hx, wHh, bHh));
  const [i, f, g, o] = gates.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const c = f.sigmoid().mul(cx).add(i.sigmoid().mul(g.tanh()));
  const h = o.sigmoid().mul(c.tanh());
  return [wHr ? linear(h, wHr) : h, c];
}

/**
 * One GRU step (Cho et al., 2014), gates in PyTorch's order r, z, n in W_ih [3H, in], W_hh [3H, H]:
 *
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 *
 * The reset gate multiplies W_hn h + b_hn (torch and cuDNN), not h before the product as in the
 * paper. Matches torch.gru_cell.
 */
export function gruCell(input: Tensor, hx: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor | null, bHh?: Tensor | null, ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.gruCell", args, [], {});
  checkCell("gruCell", input, hx, wIh, wHh, 3);
  const [xr, xz, xn] = linear(input, wIh, bIh).chunk(3, 1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = linear(hx, wHh, bHh).chunk(3, 1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return n.add(z.mul(hx.sub(n))); // (1 − z)·n + z·h, with one product fewer
}

/** Activations the classic recurrent networks accept by name. */
export type RecurrentActivation = "tanh" | "sigmoid" | "relu" | "identity" | "softmax";
// Applies a RecurrentActivation (softmax over the last dim).
function activate(name: RecurrentActivation, x: Tensor): Tensor {
  switch (name) {
    case "tanh": return x.tanh();
    case "sigmoid": return x.sigmoid();
    case "relu": return x.relu();
    case "identity": return x;
    case "softmax": return x.softmax(-1);
    default: throw new Error(`activation: unknown activation '${String(name)}'; expected tanh, sigmoid, relu, identity or softmax`);
  }
}

/**
 * One step of a Jordan network (Jordan, 1986; deck 002), whose context is the previous output:
 *
 *   h_t = f(W_x x_t + W_h ŷ_{t−1} + b_h)      ŷ_t = g(W_y h_t + b_y)
 *
 * x [B, in], ŷ_{t−1} [B, out], W_x [H, in], W_h [H, out], W_y [out, H] → [h_t, ŷ_t].
 */
export function jordanCell(
  input: Tensor, yPrev: Tensor, wX: Tensor, wH: Tensor, bH: Tensor | null, wY: Tensor, bY: Tensor | null,
  f: RecurrentActivation = "tanh", g: RecurrentActivation = "identity", ...args: Args<[], Record<never, never>>
): [Tensor, Tensor] {
  resolveArgs("F.jordanCell", args, [], {});
  const h = activate(f, linear(input, wX, bH).add(linear(yPrev, wH)));
  return [h, activate(g, linear(h, wY, bY))];
}

/**
 * One step of a fully recurrent network (deck 000; Williams & Zipser, 1989): every unit sees the
 * external input and the previous output of every unit, a_t = f(W [x_t; a_{t−1}] + b), with
 * x [B, in], a [B, N], W [N, in + N] → a_t [B, N].
 */
export function fullyRecurrentCell(input: Tensor, aPrev: Tensor, weight: Tensor, bias: Tensor | null, f: RecurrentActivation = "tanh", ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.fullyRecurrentCell", args, [], {});
  const inF = input.shape[1]!;
  return activate(f, linear(input, weight.narrow(1, 0, inF), bias).add(linear(aPrev, weight.narrow(1, inF, weight.shape[1]! - inF))));
}

/**
 * One step of deck 004's RNN: a sigmoid state and a softmax output,
 *
 *   S_t = σ(U X_t + W S_{t−1})      O_t = softmax(S_t V)
 *
 * (the deck writes S_t V for row vectors; here V is stored as a [classes, H] weight so O_t =
 * softmax(V S_t), with optional biases). Returns [S_t, O_t].
 */
export function sigmoidRnnCell(input: Tensor, sPrev: Tensor, u: Tensor, w: Tensor, v: Tensor, bS: Tensor | null = null, bO: Tensor | null = null, ...args: Args<[], Record<never, never>>): [Tensor, Tensor] {
  resolveArgs("F.sigmoidRnnCell", args, [], {});
  const s = linear(input, u, bS).add(linear(sPrev, w)).sigmoid();
  return [s, linear(s, v, bO).softmax(-1)];
}
