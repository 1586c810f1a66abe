// BERT and ViT against their PyTorch twins (tools/fixtures/transformer_models.py): PyTorch's state
// dicts, saved as safetensors, load into myelin's models by the user's path (loadSafetensors +
// loadStateDict) and give PyTorch's MLM, classifier and ViT logits on every backend.

import { test } from "node:test";
import assert from "node:assert/strict";
import { listBackends, nn } from "../src/index.js";
import { loadSafetensors } from "../src/node.js";
import { assertClose } from "../src/testing/index.js";
import { decode, fixture, on, repoRoot, values, type FixtureTensor } from "./helpers.js";

interface Fx {
  bert: {
    config: nn.BertOptions & { vocabSize: number }; numLabels: number; ids: FixtureTensor; mlmKeys: string[]; clsKeys: string[];
    mlmLogits: FixtureTensor; clsLogits: FixtureTensor; meanLogits: FixtureTensor;
  };
  vit: { config: nn.VisionTransformerOptions & { imageSize: number; patchSize: number }; images: FixtureTensor; keys: string[]; logits: FixtureTensor };
}
const fx = fixture<Fx>("models/transformer-models.json");
const file = (name: string): string => `${repoRoot}test/fixtures/models/${name}`;
const F32 = { rtol: 1e-4, atol: 1e-4 };

for (const device of listBackends()) {
  test(`BERT loads PyTorch's state dict and matches its MLM and classifier logits (${device})`, () => on(device, () => {
    const { vocabSize, ...config } = fx.bert.config;
    const ids = decode(fx.bert.ids, { dtype: "int32" });
    const mlm = new nn.BertForMaskedLM(new nn.BertEncoder(vocabSize, config));
    assert.deepEqual(Object.keys(mlm.stateDict()), fx.bert.mlmKeys, "myelin's keys, in torch's order");
    mlm.loadStateDict(loadSafetensors(file("bert-mlm.safetensors")));
    mlm.eval();
    assertClose(mlm.forward(ids), values(fx.bert.mlmLogits), F32);

    for (const [pooling, want] of [["cls", fx.bert.clsLogits], ["mean", fx.bert.meanLogits]] as const) {
      const cls = new nn.BertForSequenceClassification(new nn.BertEncoder(vocabSize, config), fx.bert.numLabels, { pooling });
      assert.deepEqual(Object.keys(cls.stateDict()), fx.bert.clsKeys);
      cls.loadStateDict(loadSafetensors(file("bert-cls.safetensors")));
      const out = cls.eval().forward(ids);
      assert.deepEqual(out.shape, want.shape);
      assertClose(out, values(want), F32);
    }
  }));

  test(`ViT loads PyTorch's state dict and matches its logits (${device})`, () => on(device, () => {
    const { imageSize, patchSize, ...config } = fx.vit.config;
    const vit = new nn.VisionTransformer(imageSize, patchSize, config);
    assert.deepEqual(Object.keys(vit.stateDict()), fx.vit.keys);
    vit.loadStateDict(loadSafetensors(file("vit.safetensors")));
    const out = vit.eval().forward(decode(fx.vit.images));
    assert.deepEqual(out.shape, fx.vit.logits.shape);
    assertClose(out, values(fx.vit.logits), F32);
    // the loaded weights are what decided the output: a fresh model disagrees
    const fresh = new nn.VisionTransformer(imageSize, patchSize, config).eval().forward(decode(fx.vit.images));
    assert.ok(fresh.sub(out).abs().max().item() > 0.1);
  }));
}
