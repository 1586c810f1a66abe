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
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvLayerOptions, type ConvTransposeLayerOptions } from "./conv.js";
export { MaxPool1d, MaxPool2d, MaxUnpool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, Upsample } from "./pooling.js";
export { BatchNorm2d, GroupNorm, InstanceNorm1d, InstanceNorm2d, type InstanceNormOptions } from "./normalization2d.js";
export { Dropout2d } from "./dropout.js";
export { BasicBlock, type BasicBlockOptions } from "./resnet.js";
