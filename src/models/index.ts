// The models namespace: the course's networks beyond feed-forward ones (Hopfield, perceptron,
// Boltzmann machines, Q-learning, …), each with its formula and source.

export { Hopfield, type HopfieldRecallOptions } from "./hopfield.js";
export { Perceptron, LinearSVM, type PerceptronFitOptions, type LinearSVMOptions, type LinearSVMFitOptions } from "./perceptron.js";
export { RBM, bernoulli, type ContrastiveDivergenceOptions } from "./rbm.js";
export { QLearning, PathTask, type Environment, type StepResult, type PathCell, type QLearningOptions } from "./q-learning.js";
export { DBN, type PretrainOptions } from "./dbn.js";
export { SpikingMLP, type SpikingMLPOptions } from "./spiking.js";
export { BoltzmannMachine, type BoltzmannFitOptions } from "./boltzmann.js";
export { layerGradientNorms } from "./diagnostics.js";
export { NTM, ntmAddressing, contentAddressing, shiftConvolve, sharpen, ntmRead, ntmWrite, copyTask, type NTMOptions } from "./ntm.js";

// Generative models: auto-encoders, VAE, GAN, diffusion, clustering.
export { AutoEncoder, corrupt, l1Sparsity, klSparsity, type Activation, type AutoEncoderOptions, type CorruptOptions } from "./autoencoder.js";
export { VAE, vaeLoss, gaussianKl, type VAEOutput, type VAEOptions } from "./vae.js";
export { GAN, ganStep, discriminatorLoss, generatorLoss, type GANOptions, type GANStepOptions } from "./gan.js";
export { DDPM, type DDPMOptions, type DDPMSampleOptions } from "./diffusion.js";
export { kmeans, softAssign, targetDistribution, clusterPurity, DEC, decLoss, type DECOptions, type KMeansOptions } from "./clustering.js";
export { precisionRecall, type PrecisionRecallOptions } from "./sample-quality.js";
export { vatLoss, type VATOptions } from "./semi-supervised.js";
