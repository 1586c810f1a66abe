// The neural Turing machine (Graves, Wayne and Danihelka 2014): an LSTM or MLP controller with a
// memory matrix it reads and writes through differentiable content + location addressing.

import { cosineSimilarity } from "../nn/functional/distance.js";
import { softplus } from "../nn/functional/activation.js";
import { Linear } from "../nn/linear.js";
import { LSTMCell } from "../nn/rnn-cell.js";
import { Module } from "../nn/module.js";
import { Parameter } from "../nn/parameter.js";
import { full, rand, randn, zeros } from "../ops/creation.js";
import type { Generator } from "../random.js";
import { cat, stack } from "../ops/movement.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

/** Content addressing (Graves et al. 2014, eq. 5): w^c_i = softmax_i(β · K[k, M_i]), K the cosine similarity. memory [B, N, W], key [B, W], beta [B, 1] ≥ 0 → [B, N]. */
export function contentAddressing(memory: Tensor, key: Tensor, beta: Tensor): Tensor {
  return cosineSimilarity(memory, key.unsqueeze(1), 2, 1e-8).mul(beta).softmax(-1);
}

/**
 * Circular convolution with a shift distribution (eq. 8): w̃_i = Σ_j w_j s_{(i−j) mod N}. `shift`
 * [B, 2R+1] weighs the shifts −R … +R, so s = one-hot at +1 moves every weight one slot forward.
 */
export function shiftConvolve(w: Tensor, shift: Tensor): Tensor {
  const n = w.shape[1]!;
  const r = (shift.shape[1]! - 1) / 2;
  if (!Number.isInteger(r) || r > n) throw new Error(`models.shiftConvolve: expected shift weights [batch, 2R+1] with R ≤ ${n}, got ${fmtShape(shift.shape)}`);
  const rolled = (k: number): Tensor => {
    const m = ((k % n) + n) % n; // roll(w, k)_i = w_{i−k}
    return m === 0 ? w : cat([w.narrow(1, n - m, m), w.narrow(1, 0, n - m)], 1);
  };
  let out: Tensor | null = null;
  for (let k = -r; k <= r; k++) {
    const term = rolled(k).mul(shift.narrow(1, k + r, 1));
    out = out ? out.add(term) : term;
  }
  return out!;
}

/** Sharpening (eq. 9): w_i = w̃_i^γ / Σ_j w̃_j^γ, γ [B, 1] ≥ 1 (computed as exp(γ log w̃), w̃ floored at 1e-30). */
export function sharpen(w: Tensor, gamma: Tensor): Tensor {
  const p = w.clamp(1e-30).log().mul(gamma).exp();
  return p.div(p.sum(-1, true));
}

/**
 * The whole addressing mechanism of one head (Graves et al. 2014, §3.3, Figure 2): content weights
 * (eq. 5), interpolation with the previous weights w^g = g w^c + (1 − g) w_{t−1} (eq. 7), shift
 * (eq. 8) and sharpening (eq. 9). memory [B, N, W], prev [B, N], key [B, W], beta, gate, gamma
 * [B, 1], shift [B, 2R+1] → w_t [B, N].
 */
export function ntmAddressing(memory: Tensor, prev: Tensor, key: Tensor, beta: Tensor, gate: Tensor, shift: Tensor, gamma: Tensor): Tensor {
  const wc = contentAddressing(memory, key, beta);
  const wg = wc.mul(gate).add(prev.mul(gate.neg().add(1)));
  return sharpen(shiftConvolve(wg, shift), gamma);
}

/** Reading (eq. 2): r = Σ_i w_i M_i. memory [B, N, W], w [B, N] → [B, W]. */
export const ntmRead = (memory: Tensor, w: Tensor): Tensor => w.unsqueeze(1).bmm(memory).squeeze(1);

/** Writing (eqs. 3-4): M̃_i = M_i ∘ (1 − w_i e), then M_i = M̃_i + w_i a. memory [B, N, W], w [B, N], erase, add [B, W] → [B, N, W]. */
export function ntmWrite(memory: Tensor, w: Tensor, erase: Tensor, add: Tensor): Tensor {
  const wc = w.unsqueeze(2);
  return memory.mul(wc.mul(erase.unsqueeze(1)).neg().add(1)).add(wc.mul(add.unsqueeze(1)));
}

export interface NTMOptions {
  /** Memory locations N. */
  memorySize?: number;
  /** Width W of each location. */
  memoryWidth?: number;
  /** Controller units. */
  hiddenSize?: number;
  /** "lstm" (recurrent) or "mlp" (one tanh layer, all recurrence through the memory). */
  controller?: "lstm" | "mlp";
  /** Shifts −R … +R of the location addressing. */
  shiftRange?: number;
}

interface Head {
  key: Tensor;
  beta: Tensor;
  gate: Tensor;
  shift: Tensor;
  gamma: Tensor;
}

/**
 * A neural Turing machine (A. Graves, G. Wayne and I. Danihelka, "Neural Turing machines",
 * arXiv:1410.5401, 2014) with one read and one write head. At each step t the controller sees
 * x_t ⊕ r_{t−1}; from its output h_t each head emits a key k, strength β = softplus, gate g = σ, shift
 * weights s = softmax over −R … +R and sharpening γ = 1 + softplus, which `ntmAddressing` turns into
 * weights w_t; the write head also emits erase e = σ and add a = tanh (`ntmWrite`), then the read head
 * reads r_t (`ntmRead`). The output is Linear(h_t ⊕ r_t) (logits).
 *
 * forward(x [T, B, inputSize]) → [T, B, outputSize], sequence first as nn.LSTM. The memory starts at
 * the constant 10⁻⁶ and both heads' weights at location 0, the read vector r₀ is learned (Collier and
 * Beel, "Implementing neural Turing machines", ICANN 2018, found these initialisations converge
 * fastest). `lastWeights` keeps each step's read and write weights [T, B, N] for pictures.
 */
export class NTM extends Module {
  controller: LSTMCell | Linear;
  readParams: Linear;
  writeParams: Linear;
  out: Linear;
  readInit: Tensor;
  readonly memorySize: number;
  readonly memoryWidth: number;
  readonly hiddenSize: number;
  readonly shiftRange: number;
  readonly kind: "lstm" | "mlp";
  lastWeights: { read: Tensor; write: Tensor } | null = null;

  constructor(readonly inputSize: number, readonly outputSize: number, ...args: Args<[], NTMOptions>) {
    super();
    const o = resolveArgs<Required<NTMOptions>>("models.NTM", args, [], { memorySize: 32, memoryWidth: 8, hiddenSize: 100, controller: "lstm", shiftRange: 1 });
    if (o.controller !== "lstm" && o.controller !== "mlp") throw new Error(`models.NTM: controller must be "lstm" or "mlp", got ${String(o.controller)}`);
    for (const k of ["memorySize", "memoryWidth", "hiddenSize"] as const)
      if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`models.NTM: ${k} must be a positive integer, got ${o[k]}`);
    if (!Number.isInteger(o.shiftRange) || o.shiftRange < 0 || 2 * o.shiftRange + 1 > o.memorySize)
      throw new Error(`models.NTM: shiftRange must be an integer with 0 ≤ 2R+1 ≤ memorySize (${o.memorySize}), got ${o.shiftRange}`);
    this.memorySize = o.memorySize;
    this.memoryWidth = o.memoryWidth;
    this.hiddenSize = o.hiddenSize;
    this.shiftRange = o.shiftRange;
    this.kind = o.controller;
    const cin = inputSize + o.memoryWidth;
    this.controller = o.controller === "lstm" ? new LSTMCell(cin, o.hiddenSize) : new Linear(cin, o.hiddenSize);
    const headSize = o.memoryWidth + 3 + 2 * o.shiftRange + 1; // key, β, g, s, γ
    this.readParams = new Linear(o.hiddenSize, headSize);
    this.writeParams = new Linear(o.hiddenSize, headSize + 2 * o.memoryWidth); // … and e, a
    this.out = new Linear(o.hiddenSize + o.memoryWidth, outputSize);
    this.readInit = Parameter(randn([o.memoryWidth]).mul(0.01));
  }

  #head(p: Tensor): Head {
    const w = this.memoryWidth, s = 2 * this.shiftRange + 1;
    return {
      key: p.narrow(1, 0, w).tanh(),
      beta: softplus(p.narrow(1, w, 1)),
      gate: p.narrow(1, w + 1, 1).sigmoid(),
      shift: p.narrow(1, w + 2, s).softmax(-1),
      gamma: softplus(p.narrow(1, w + 2 + s, 1)).add(1),
    };
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) throw new Error(`models.NTM: expected input [seq, batch, ${this.inputSize}], got ${fmtShape(x.shape)}`);
    const [steps, b] = x.shape as [number, number, number];
    const n = this.memorySize, width = this.memoryWidth, hs = this.headStart(b, x.dtype);
    let memory = full([b, n, width], 1e-6, { dtype: x.dtype });
    let wRead = hs, wWrite = hs;
    let read = this.readInit.unsqueeze(0).expand([b, width]);
    let state: [Tensor, Tensor] | null = null;
    const outs: Tensor[] = [], reads: Tensor[] = [], writes: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const cin = cat([x.select(0, t), read], 1);
      let h: Tensor;
      if (this.controller instanceof LSTMCell) {
        state = this.controller.forward(cin, state);
        h = state[0];
      } else h = this.controller.forward(cin).tanh();
      const wp = this.writeParams.forward(h);
      const wh = this.#head(wp);
      wWrite = ntmAddressing(memory, wWrite, wh.key, wh.beta, wh.gate, wh.shift, wh.gamma);
      const hw = wp.shape[1]! - 2 * width;
      memory = ntmWrite(memory, wWrite, wp.narrow(1, hw, width).sigmoid(), wp.narrow(1, hw + width, width).tanh());
      const rh = this.#head(this.readParams.forward(h));
      wRead = ntmAddressing(memory, wRead, rh.key, rh.beta, rh.gate, rh.shift, rh.gamma);
      read = ntmRead(memory, wRead);
      outs.push(this.out.forward(cat([h, read], 1)));
      reads.push(wRead.detach());
      writes.push(wWrite.detach());
    }
    this.lastWeights = { read: stack(reads), write: stack(writes) };
    return stack(outs);
  }

  /** Both heads start focused on location 0: [B, N]. */
  headStart(batch: number, dtype: Tensor["dtype"] = "float32"): Tensor {
    const w = zeros([batch, this.memorySize], { dtype });
    return cat([w.narrow(1, 0, 1).add(1), w.narrow(1, 1, this.memorySize - 1)], 1);
  }

  override toString(): string {
    return `NTM(${this.inputSize}→${this.outputSize}, ${this.kind} controller ${this.hiddenSize}, memory ${this.memorySize}×${this.memoryWidth}, shifts ±${this.shiftRange})`;
  }
}

/**
 * A batch of the copy task (Graves et al. 2014, §4.1): `length` random `bits`-bit vectors, then a
 * delimiter on an extra channel, then `length` blank steps during which the target is the sequence.
 * Returns input [2·length+1, B, bits+1] and target [length, B, bits] (the last `length` outputs).
 */
export function copyTask(batch: number, length: number, bits: number, { generator }: { generator?: Generator } = {}): { input: Tensor; target: Tensor } {
  const seq = rand([length, batch, bits], generator ? { generator } : {}).lt(0.5).float();
  const z = zeros([1, batch, bits]);
  const input = cat([
    cat([seq, zeros([length, batch, 1])], 2),
    cat([z, full([1, batch, 1], 1)], 2),
    zeros([length, batch, bits + 1]),
  ]);
  return { input, target: seq };
}
