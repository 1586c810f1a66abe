// Graph neural networks: the message-passing base (gather from sources, scatter-add to targets)
// and the graph convolution of Kipf and Welling as one case of it.

import { noGrad } from "../autograd/grad-mode.js";
import { arange, ones, zeros } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

function checkEdges(where: string, edgeIndex: Tensor, numNodes: number): void {
  if (edgeIndex.ndim !== 2 || edgeIndex.shape[0] !== 2 || edgeIndex.dtype !== "int32")
    throw new Error(`${where}: expected edgeIndex int32 [2, numEdges] (sources, targets), got ${edgeIndex.dtype} ${fmtShape(edgeIndex.shape)}`);
  if (edgeIndex.numel > 0 && (edgeIndex.amin().item() < 0 || edgeIndex.amax().item() >= numNodes))
    throw new Error(`${where}: edgeIndex holds node ids outside 0..${numNodes - 1}`);
}

/**
 * Σ over incoming edges j → i of wⱼᵢ · xⱼ: out[i] = Σ_{(j,i) ∈ E} w_e x_j. `x` [N, F], `edgeIndex`
 * int32 [2, E] (row 0 sources j, row 1 targets i, PyTorch Geometric's layout), `edgeWeight` [E] or
 * null for 1. Differentiable in x and edgeWeight (gather, then scatter-add).
 */
export function propagate(x: Tensor, edgeIndex: Tensor, edgeWeight: Tensor | null = null): Tensor {
  if (x.ndim !== 2) throw new Error(`propagate: expected node features [numNodes, features], got ${fmtShape(x.shape)}`);
  const [n, f] = x.shape as [number, number];
  checkEdges("propagate", edgeIndex, n);
  const src = edgeIndex.select(0, 0), dst = edgeIndex.select(0, 1);
  let messages = x.indexSelect(0, src);
  if (edgeWeight) messages = messages.mul(edgeWeight.reshape([-1, 1]));
  return zeros([n, f], { dtype: x.dtype }).scatterAdd(0, dst.reshape([-1, 1]).expand([-1, f]).contiguous(), messages);
}

/**
 * The symmetric normalisation of Kipf and Welling: adds a self-loop to every node and weighs edge
 * j → i by 1/√(d̂ⱼ d̂ᵢ), d̂ the degree counting the self-loop, i.e. Â = D̂^−½ (A + I) D̂^−½. Returns the
 * edges with self-loops appended and their weights (torch_geometric.nn.conv.gcn_conv.gcn_norm).
 */
export function gcnNorm(edgeIndex: Tensor, numNodes: number): { edgeIndex: Tensor; edgeWeight: Tensor } {
  checkEdges("gcnNorm", edgeIndex, numNodes);
  return noGrad(() => {
    const loops = arange(0, numNodes, 1, { dtype: "int32" }).reshape([1, -1]).expand([2, -1]);
    const ei = cat([edgeIndex, loops], 1);
    const src = ei.select(0, 0), dst = ei.select(0, 1);
    const deg = zeros([numNodes]).scatterAdd(0, dst, ones([dst.shape[0]!]));
    const dInv = deg.rsqrt();
    return { edgeIndex: ei, edgeWeight: dInv.indexSelect(0, src).mul(dInv.indexSelect(0, dst)) };
  });
}

export interface MessagePassingOptions {
  /** How incoming messages combine: their sum ("add") or their mean over the in-degree ("mean"). */
  aggr?: "add" | "mean";
}

/**
 * The base of message-passing layers (Gilmer et al., "Neural message passing for quantum chemistry",
 * ICML 2017; torch_geometric.nn.MessagePassing): xᵢ' = update(⊕_{j → i} message(xⱼ, w_ji)) with ⊕ the
 * sum or the mean. Subclasses implement `forward` with `propagate`; GCNConv is the case
 * message = w_ji · Θxⱼ, ⊕ = sum, with Kipf and Welling's weights.
 */
export abstract class MessagePassing extends Module<[Tensor, Tensor], Tensor> {
  readonly aggr: "add" | "mean";
  constructor(...args: Args<[aggr: "add" | "mean"], MessagePassingOptions>) {
    super();
    ({ aggr: this.aggr } = resolveArgs<Required<MessagePassingOptions>>(`nn.${new.target.name}`, args, ["aggr"], { aggr: "add" }));
    if (this.aggr !== "add" && this.aggr !== "mean") throw new Error(`nn.${new.target.name}: aggr must be "add" or "mean", got ${String(this.aggr)}`);
  }

  /** Combines the weighted messages xⱼ (w_ji) into each target node i by `aggr`. */
  propagate(x: Tensor, edgeIndex: Tensor, edgeWeight: Tensor | null = null): Tensor {
    const out = propagate(x, edgeIndex, edgeWeight);
    if (this.aggr === "add") return out;
    const deg = propagate(ones([x.shape[0]!, 1], { dtype: x.dtype }), edgeIndex);
    return out.div(deg.clamp(1));
  }
}

export interface GCNConvOptions {
  bias?: boolean;
  /** Add self-loops and normalise symmetrically (Â); false propagates along the raw edges. */
  normalize?: boolean;
}

/**
 * Graph convolution (T. N. Kipf and M. Welling, "Semi-supervised classification with graph
 * convolutional networks", ICLR 2017, eq. 2): X' = Â X Θ + b with Â = D̂^−½ (A + I) D̂^−½.
 * forward(x [N, inChannels], edgeIndex int32 [2, E]) → [N, outChannels]; edges go j → i, so list
 * undirected edges both ways. State dict as torch_geometric.nn.GCNConv: `lin.weight`
 * [out, in] (Glorot in PyG; torch's Linear init here) and `bias` [out] (zeros).
 */
export class GCNConv extends MessagePassing {
  lin: Linear;
  bias: Tensor | null;
  readonly normalize: boolean;
  /** The normalised edges of the last graph. A plain field, not #private: fit's step scope keeps the tensors it finds on the model, so a cache filled inside a step survives it. */
  normCache: { key: Tensor; n: number; edgeIndex: Tensor; edgeWeight: Tensor } | null = null;
  constructor(readonly inChannels: number, readonly outChannels: number, ...args: Args<[], GCNConvOptions>) {
    super("add");
    const { bias, normalize } = resolveArgs<Required<GCNConvOptions>>("nn.GCNConv", args, [], { bias: true, normalize: true });
    this.normalize = normalize;
    this.lin = new Linear(inChannels, outChannels, false);
    this.bias = bias ? Parameter(zeros([outChannels])) : null;
  }

  forward(x: Tensor, edgeIndex: Tensor): Tensor {
    if (x.ndim !== 2 || x.shape[1] !== this.inChannels)
      throw new Error(`nn.GCNConv: expected node features [numNodes, ${this.inChannels}], got ${fmtShape(x.shape)}`);
    const n = x.shape[0]!;
    let ei = edgeIndex, w: Tensor | null = null;
    if (this.normalize) {
      // the normalised edges depend only on the graph: reuse them while the same edgeIndex comes back
      if (this.normCache?.key !== edgeIndex || this.normCache.n !== n) this.normCache = { key: edgeIndex, n, ...gcnNorm(edgeIndex, n) };
      ({ edgeIndex: ei, edgeWeight: w } = this.normCache);
    }
    const out = this.propagate(this.lin.forward(x), ei, w);
    return this.bias ? out.add(this.bias) : out;
  }

  override toString(): string {
    return `GCNConv(${this.inChannels}→${this.outChannels})`;
  }
}
