// torch.nn.utils's layout for those who look there: rnn (padSequence and friends), gradient
// clipping, all parameters as one vector, and weight and spectral normalization.

export * as rnn from "./packed.js";
export { clipGradNorm, clipGradValue } from "../composites/clip.js";
export { parametersToVector, vectorToParameters, weightNorm, removeWeightNorm, spectralNorm, removeSpectralNorm, type SpectralNormOptions } from "./reparam.js";
