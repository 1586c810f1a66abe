// The nn namespace: Module, parameters and buffers, layers, activations, losses, init, and F.

export { Module, stateKey, type AnyModule, type LoadResult } from "./module.js";
export { Parameter, Buffer, isParameter } from "./parameter.js";
