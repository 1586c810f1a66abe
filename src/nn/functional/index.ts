// The F namespace (torch.nn.functional): activations and layer functions; losses join from ./loss.js.

export * from "./activation.js";
export * from "./layers.js";
// losses: export * from "./loss.js"; (added by the loss module)
