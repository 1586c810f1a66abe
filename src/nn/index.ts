// The nn namespace: Module, parameters and buffers, layers, activations, losses, init, and F.

export { Module, stateKey, type AnyModule, type LoadResult } from "./module.js";
export { Parameter, Buffer, isParameter } from "./parameter.js";
export * from "./activation.js";
export { SiLU as Swish } from "./activation.js";
export { Linear, Identity, Flatten, Unflatten, type LinearOptions } from "./linear.js";
export { Dropout, AlphaDropout, type DropoutModuleOptions } from "./dropout.js";
export { LayerNorm, BatchNorm1d, type LayerNormOptions, type BatchNormOptions } from "./normalization.js";
export { Embedding, type EmbeddingOptions } from "./embedding.js";
export { Sequential, ModuleList, ModuleDict } from "./container.js";
export { Residual } from "./residual.js";
export { summary, formatCount, type SummaryOptions } from "./summary.js";
export * as init from "./init.js";
export * as F from "./functional/index.js";
export * from "./loss.js";
export { GCNConv, MessagePassing, propagate, gcnNorm, type GCNConvOptions, type MessagePassingOptions } from "./graph.js";
export { LIF, spike, type LIFOptions } from "./spiking.js";
