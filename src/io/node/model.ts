// saveModel / loadModel: a whole model (architecture and weights) in one safetensors file, the
// equivalent of Keras's model.save and torch.save(model) for myelin's modules.

import type { AnyModule } from "../../nn/module.js";
import { deserializeModel, serializeModel, type LoadModelOptions } from "../model.js";
import { readBytes, writeFileAtomic } from "./files.js";

/**
 * Saves `model` to `path` as one safetensors file: the state dict under torch's keys (so
 * safetensors.torch.load_file reads the weights) and the architecture, each module's class and
 * constructor arguments, in the metadata.
 * @example saveModel("mlp.safetensors", model); const again = loadModel("mlp.safetensors");
 */
export function saveModel(path: string, model: AnyModule): void {
  writeFileAtomic(path, serializeModel(model));
}

/**
 * Loads a model saved by saveModel: rebuilds it from the recorded classes and arguments and loads
 * its weights. Your own Module subclasses must be passed in `classes`; an unknown class, a file
 * without an architecture, or a rebuilt tree that differs from the saved one is an error.
 */
export function loadModel<M extends AnyModule = AnyModule>(path: string, options: LoadModelOptions = {}): M {
  const bytes = readBytes("loadModel", path);
  try {
    return deserializeModel(bytes, options) as M;
  } catch (e) {
    throw new Error(`${(e as Error).message.startsWith("loadModel") ? "" : "loadModel: "}${(e as Error).message} (${path})`);
  }
}
