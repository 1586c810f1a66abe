// Writes test/fixtures/io/myelin.safetensors with myelin's own writer, for tools/fixtures/io.py
// --verify to read back with PyTorch (run by hand; see that script's docstring).

import { fileURLToPath } from "node:url";
import { arange } from "../src/index.js";
import { loadSafetensors, saveSafetensors } from "../src/node.js";

const dir = fileURLToPath(new URL("../../test/fixtures/io/", import.meta.url)); // dist/tools/ → repo
const tensors = loadSafetensors(`${dir}torch.safetensors`);
tensors["myelin.arange"] = arange(0, 6, 1, { dtype: "float64" }).reshape(2, 3).div(4);
saveSafetensors(`${dir}myelin.safetensors`, tensors, { format: "pt", writer: "myelin" });
console.log(`wrote ${dir}myelin.safetensors`);
