// models: ready-made architectures and their losses (auto-encoders, VAE, GAN, diffusion) built from nn.

export { AutoEncoder, corrupt, l1Sparsity, klSparsity, type Activation, type AutoEncoderOptions, type CorruptOptions } from "./autoencoder.js";
export { VAE, vaeLoss, gaussianKl, type VAEOutput, type VAEOptions } from "./vae.js";
