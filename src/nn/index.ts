// The nn namespace: Module, parameters and buffers, layers, activations, losses, init, and F.

export { Module, stateKey, type AnyModule, type LoadResult } from "./module.js";
export { Parameter, Buffer, isParameter } from "./parameter.js";
export * from "./activation.js";
export { SiLU as Swish } from "./activation.js";
export { Linear, Bilinear, Identity, Flatten, Unflatten, type LinearOptions } from "./linear.js";
export { Dropout, AlphaDropout, type DropoutModuleOptions } from "./dropout.js";
export { LayerNorm, BatchNorm1d, type LayerNormOptions, type BatchNormOptions } from "./normalization.js";
export { Embedding, EmbeddingBag, type EmbeddingOptions, type EmbeddingBagModuleOptions } from "./embedding.js";
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
export { MultiheadAttention, AdditiveAttention, Attention, type MultiheadAttentionOptions, type MhaForwardOptions, type AttentionOptions, type AttentionForwardOptions } from "./attention.js";
export * from "./transformer.js";
export { SinusoidalPositionalEncoding, LearnedPositionalEncoding, sinusoidalTable, tieWeights, type PositionalEncodingOptions } from "./positional.js";
export { BertEncoder, BertForMaskedLM, BertForSequenceClassification, maskTokens, type BertOptions, type BertClassifierOptions, type MaskTokensOptions } from "./bert.js";
export { PatchEmbedding, VisionTransformer, type PatchEmbeddingOptions, type VisionTransformerOptions } from "./vit.js";
export { GPT, generate, sampleLogits, type GPTOptions, type KVCache, type SampleOptions, type GenerateOptions } from "./gpt.js";
export { GCNConv, MessagePassing, propagate, gcnNorm, type GCNConvOptions, type MessagePassingOptions } from "./graph.js";
export { LIF, spike, type LIFOptions } from "./spiking.js";
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvLayerOptions, type ConvTransposeLayerOptions } from "./conv.js";
export { MaxPool1d, MaxPool2d, MaxUnpool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, Upsample, PixelShuffle, PixelUnshuffle } from "./pooling.js";
export { BatchNorm2d, GroupNorm, InstanceNorm1d, InstanceNorm2d, type InstanceNormOptions } from "./normalization2d.js";
export { Dropout2d } from "./dropout.js";
export { BasicBlock, type BasicBlockOptions } from "./resnet.js";
export { ZeroPad1d, ZeroPad2d, ZeroPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d, CircularPad3d, type PadSize } from "./padding.js";
export { CosineSimilarity, PairwiseDistance } from "./distance.js";
export { GLU, Softmax2d } from "./gated.js";
export { Unfold, Fold, UpsamplingNearest2d, UpsamplingBilinear2d } from "./fold.js";
export { Dropout1d, Dropout3d, FeatureAlphaDropout } from "./dropout-nd.js";
export { ParameterList, ParameterDict } from "./parameter-containers.js";
export { LazyLinear } from "./lazy.js";
export { LPPool1d, LPPool2d, AdaptiveMaxPool1d, MaxUnpool1d, LocalResponseNorm, ChannelShuffle } from "./pooling-more.js";
export * from "./loss-more.js";
export { AdaptiveLogSoftmaxWithLoss, type AdaptiveLogSoftmaxOptions, type ASMOutput } from "./adaptive.js";
export { Conv3d, ConvTranspose3d } from "./conv3d.js";
export { MaxPool3d, MaxUnpool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d } from "./pooling3d.js";
export { FractionalMaxPool2d, FractionalMaxPool3d } from "./fractional.js";
export { BatchNorm3d, InstanceNorm3d } from "./normalization3d.js";
export {
  LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d,
  LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d,
} from "./lazy-more.js";
/** torch's deprecated NLLLoss2d: NLLLoss, which already takes [N, C, d1, …] inputs. Matches torch.nn.NLLLoss2d. */
export { NLLLoss as NLLLoss2d } from "./loss.js";
