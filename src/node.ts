// The Node-only API: import { loadMnist, saveSafetensors, saveCheckpoint, … } from "myelin/node".
// Kept out of the main barrel so that browser bundles never see node:fs, node:zlib or node:crypto.

export { loadMnist, loadFashionMnist, loadCsv, readIdxFile, FASHION_MNIST_DIR } from "./data/node/index.js";
export { saveSafetensors, loadSafetensors, readSafetensors, writeFileAtomic, saveCheckpoint, loadCheckpoint, type Checkpoint, type SaveCheckpointOptions } from "./io/node/index.js";
export { ModelCheckpoint, CSVLogger, type ModelCheckpointOptions } from "./train/node-callbacks.js";
export { loadCo2, loadMobyDick, loadFemaleFirstNames, loadSpamAssassin, packageDir } from "./data/node/packages.js";
