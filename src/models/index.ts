// models: ready-made architectures and their losses (auto-encoders, VAE, GAN, diffusion) built from nn.

export { AutoEncoder, corrupt, l1Sparsity, klSparsity, type Activation, type AutoEncoderOptions, type CorruptOptions } from "./autoencoder.js";
export { VAE, vaeLoss, gaussianKl, type VAEOutput, type VAEOptions } from "./vae.js";
export { GAN, ganStep, discriminatorLoss, generatorLoss, type GANOptions } from "./gan.js";
export { DDPM, type DDPMOptions } from "./diffusion.js";
export { kmeans, softAssign, targetDistribution, clusterPurity } from "./clustering.js";
