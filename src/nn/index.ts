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
export { RNN, LSTM, GRU, RNNBase, type RNNOptions, type LSTMOptions, type GRUOptions, type RNNBaseOptions } from "./rnn.js";
export { RNNCell, LSTMCell, GRUCell, type RNNCellBaseOptions, type RNNCellOptions } from "./rnn-cell.js";
export { PackedSequence, padSequence, packSequence, packPaddedSequence, padPackedSequence } from "./packed.js";
export * as utils from "./utils.js";
export { JordanRNN, FullyRecurrent, SigmoidRNN, type JordanRNNOptions, type FullyRecurrentOptions, type SigmoidRNNOptions } from "./rnn-classic.js";
export { MultiheadAttention, AdditiveAttention, type MultiheadAttentionOptions, type MhaForwardOptions } from "./attention.js";
export * from "./transformer.js";
export { SinusoidalPositionalEncoding, LearnedPositionalEncoding, sinusoidalTable, tieWeights, type PositionalEncodingOptions } from "./positional.js";
export { GPT, generate, sampleLogits, type GPTOptions, type KVCache, type SampleOptions, type GenerateOptions } from "./gpt.js";
export { GCNConv, MessagePassing, propagate, gcnNorm, type GCNConvOptions, type MessagePassingOptions } from "./graph.js";
export { LIF, spike, type LIFOptions } from "./spiking.js";
