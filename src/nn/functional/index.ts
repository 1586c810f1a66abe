// The F namespace (torch.nn.functional): activations, layer functions and losses.

export * from "./activation.js";
export * from "./layers.js";
export { embedding, embeddingBag, type EmbeddingBagMode, type EmbeddingBagOptions, type EmbeddingFnOptions, type LookupOptions } from "./embedding.js";
export * from "./loss.js";
export * from "./unfold.js";
export { pad, type PadMode, type PadOptions } from "./pad.js";
export { interpolate, upsample, upsampleNearest, upsampleBilinear, type InterpolateMode, type InterpolateOptions, type UpsampleMode, type UpsampleOptions } from "./interpolate.js";
export * from "./distance.js";
export * from "./rnn.js";
export * from "./attention.js";
export { conv1d, conv2d, convTranspose1d, convTranspose2d, type ConvOptions, type ConvTransposeOptions, type Size } from "./conv.js";
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d, maxUnpool2d } from "./pooling.js";
export type { MaxPoolOptions, AvgPoolOptions, MaxUnpoolOptions } from "./pooling.js";
export { groupNorm, instanceNorm, type InstanceNormOptions } from "./normalization.js";
export { glu } from "./glu.js";
export { dropout1d, dropout3d, featureAlphaDropout } from "./dropout-nd.js";
export { lpPool1d, lpPool2d, adaptiveMaxPool1d, maxUnpool1d, type LPPoolOptions, type MaxUnpool1dOptions } from "./pooling-more.js";
export { localResponseNorm, channelShuffle, type LocalResponseNormOptions } from "./channels.js";
export * from "./loss-more.js";
export * from "./ctc.js";
export { conv3d, convTranspose3d } from "./conv3d.js";
export { maxPool3d, avgPool3d, adaptiveAvgPool3d, adaptiveMaxPool3d, maxUnpool3d } from "./pooling3d.js";
export { fractionalMaxPool2d, fractionalMaxPool3d, type FractionalMaxPoolOptions } from "./fractional.js";
export * from "./extra.js";
export { affineGrid, gridSample, type GridSampleMode, type GridPaddingMode, type GridSampleOptions } from "./grid.js";
