// The Node-only API: import { loadMnist, saveSafetensors, saveCheckpoint, … } from "myelin/node".
// Kept out of the main barrel so that browser bundles never see node:fs, node:zlib or node:crypto.

export { loadMnist, loadFashionMnist, loadCsv, readIdxFile, FASHION_MNIST_DIR } from "./data/node/index.js";
export { saveModel, loadModel } from "./io/node/index.js";
export { saveSafetensors, loadSafetensors, readSafetensors, writeFileAtomic, saveCheckpoint, loadCheckpoint, type Checkpoint, type SaveCheckpointOptions } from "./io/node/index.js";
export { ModelCheckpoint, CSVLogger, type ModelCheckpointOptions } from "./train/node-callbacks.js";
export { loadCo2, loadMobyDick, loadFemaleFirstNames, loadSpamAssassin, loadCmudict, packageDir } from "./data/node/packages.js";
export { resumeFromCheckpoint, type ResumeTargets, type ResumeState } from "./train/node-resume.js";
export { cliProgressBar } from "./train/node-progress.js";

// fit's default progress output draws a terminal bar wherever myelin/node is loaded
import { setDefaultBarFactory } from "./train/progress.js";
import { cliProgressBar } from "./train/node-progress.js";
setDefaultBarFactory(cliProgressBar);
