// The F namespace (torch.nn.functional): activations, layer functions and losses.

export * from "./activation.js";
export * from "./layers.js";
export * from "./loss.js";
export * from "./unfold.js";
export * from "./interpolate.js";
export * from "./distance.js";
export * from "./rnn.js";
export * from "./attention.js";
