// Node-only io: safetensors files and checkpoint folders on disk.

export { saveSafetensors, loadSafetensors, readSafetensors, writeFileAtomic } from "./files.js";
export { saveModel, loadModel } from "./model.js";
export { saveCheckpoint, loadCheckpoint, type Checkpoint, type SaveCheckpointOptions } from "./checkpoint.js";
