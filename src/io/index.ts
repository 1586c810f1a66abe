// io: safetensors bytes and nested-state flattening, platform-neutral. File helpers (saveSafetensors,
// loadSafetensors, saveCheckpoint, loadCheckpoint) need node:fs and live in "myelin/node".

export { parseSafetensors, parseSafetensorsHeader, serializeSafetensors, type StateDict, type SafetensorsFile, type TensorInfo } from "./safetensors.js";
export { serializeModel, deserializeModel, type LoadModelOptions, type ModuleClass } from "./model.js";
export { flattenState, unflattenState, type JsonValue, type NestedState } from "./state.js";
