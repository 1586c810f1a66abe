// io: safetensors parsing/serializing against PyTorch-made fixtures and the reference's own byte
// vectors, validation errors, atomic files, nested-state flattening and checkpoints.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { arange, io, tensor, type Tensor } from "../src/index.js";
import { loadCheckpoint, loadSafetensors, readSafetensors, saveCheckpoint, saveSafetensors } from "../src/node.js";
import { fixture, repoRoot, values, type FixtureTensor } from "./helpers.js";

const { parseSafetensors, serializeSafetensors } = io;
const fx = (name: string): Uint8Array => readFileSync(`${repoRoot}test/fixtures/io/${name}`);
const expected = fixture<{ metadata: Record<string, string>; tensors: Record<string, FixtureTensor>; basic: string[] }>("io/expected.json");
const tmp = (): string => mkdtempSync(join(tmpdir(), "myelin-io-"));

function assertTensor(t: Tensor | undefined, e: FixtureTensor, name: string): void {
  assert.ok(t, `${name} missing`);
  assert.deepEqual([...t.shape], e.shape, `${name} shape`);
  assert.equal(t.dtype, e.dtype, `${name} dtype`);
  assert.deepEqual([...t.dataSync()], values(e).map(Number), `${name} values`);
}

/** A safetensors buffer from a header object and raw data, bypassing the serializer. */
function raw(header: unknown, data: Uint8Array | number = 0, headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

test("reads the PyTorch fixture: every dtype, I64/F16/BF16 converted, metadata kept", () => {
  const { tensors, metadata } = parseSafetensors(fx("torch.safetensors"));
  assert.deepEqual(metadata, expected.metadata);
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(expected.tensors).sort());
  for (const [name, e] of Object.entries(expected.tensors)) assertTensor(tensors[name], e, name);
  assert.equal(tensors["1.num_batches_tracked"]!.dtype, "int32"); // I64 narrowed
  assert.equal(tensors["extra.half"]!.dtype, "float32");
});

test("serialize gives exactly the reference writer's bytes for the same tensors", () => {
  const { tensors } = parseSafetensors(fx("torch-basic.safetensors"));
  assert.deepEqual(Object.keys(tensors).sort(), [...expected.basic].sort());
  assert.deepEqual(serializeSafetensors(tensors, { format: "pt" }), new Uint8Array(fx("torch-basic.safetensors")));
});

test("myelin's file was read back by PyTorch (verified.json) and is what myelin writes today", () => {
  const verified = fixture<{ sha256: string; bytes_identical_to_reference_layout: boolean; loaded_into_torch_module: boolean }>("io/verified.json");
  assert.equal(verified.bytes_identical_to_reference_layout, true);
  assert.equal(verified.loaded_into_torch_module, true);
  const { tensors, metadata } = parseSafetensors(fx("myelin.safetensors"));
  assert.deepEqual(metadata, { format: "pt", writer: "myelin" });
  const again = serializeSafetensors(tensors, metadata);
  assert.deepEqual(again, new Uint8Array(fx("myelin.safetensors")));
});

test("byte vectors from the reference implementation's own tests", () => {
  // safetensors/src/tensor.rs test_serialization: "attn.0" F32 [1,2,3] = 0..5
  const t = tensor([0, 1, 2, 3, 4, 5], { shape: [1, 2, 3] });
  const out = serializeSafetensors({ "attn.0": t });
  const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
  assert.equal(out[0], 64);
  assert.equal(new TextDecoder().decode(out.subarray(8, 72)), header);
  assert.deepEqual([...out.subarray(72)], [0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]);
  // test_empty: {} padded with 6 spaces; with metadata {"framework":"pt"}
  assert.deepEqual([...serializeSafetensors({})], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  const m = serializeSafetensors({}, { framework: "pt" });
  assert.equal(m[0], 40);
  assert.equal(new TextDecoder().decode(m.subarray(8)), '{"__metadata__":{"framework":"pt"}}     ');
  // test_serialization_forced_alignement: header padded to 72 bytes
  const a = serializeSafetensors({ attn0: t.reshape(1, 1, 2, 3) });
  assert.equal(a[0], 72);
  assert.equal(new TextDecoder().decode(a.subarray(8, 80)).trimEnd(), '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}');
});

test("round trip keeps dtype, shape and values; tensors are sorted by alignment then name", () => {
  const dict = {
    b: tensor([true, false, true]),
    a: tensor([1.5, -2], { dtype: "float64" }),
    c: tensor(Int32Array.from([-1, 7])),
    z: arange(0, 6).reshape(2, 3).t(), // non-contiguous: written row-major
    y: tensor(3),
  };
  const bytes = serializeSafetensors(dict);
  const { tensors } = parseSafetensors(bytes);
  for (const [k, v] of Object.entries(dict)) {
    assert.equal(tensors[k]!.dtype, v.dtype);
    assert.deepEqual(tensors[k]!.toArray(), v.toArray());
  }
  const { entries } = io.parseSafetensorsHeader(bytes);
  assert.deepEqual(entries.map(([n]) => n), ["a", "y", "z", "c", "b"]); // F64, F32 (by name), I32, BOOL
});

test("validation: each kind of corrupt file is rejected with a clear message", () => {
  const f32 = (offsets: [number, number], shape = [2]): unknown => ({ dtype: "F32", shape, data_offsets: offsets });
  const cases: [string, Uint8Array, RegExp][] = [
    ["short file", new Uint8Array(5), /file is 5 bytes, shorter than the 8-byte header length/],
    ["header past end", raw({ a: f32([0, 8]) }, 8).subarray(0, 20), /header length \d+ runs past the end of the 20-byte file/],
    ["invalid JSON", raw(null, 0, '{"a": '), /header is not valid JSON/],
    ["not an object", raw([1, 2]), /header must be a JSON object/],
    ["unknown dtype", raw({ a: { dtype: "F128", shape: [1], data_offsets: [0, 16] } }, 16), /tensor "a": unknown dtype "F128"/],
    ["bad shape", raw({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4), /tensor "a": shape must be an array of non-negative integers/],
    ["size mismatch", raw({ a: f32([0, 12]) }, 12), /tensor "a": data_offsets \[0,12\] hold 12 bytes but F32 of shape \[2\] needs 8/],
    ["overlap", raw({ a: f32([0, 8]), b: f32([4, 12]) }, 12), /tensor "b": data_offsets \[4,12\] overlap tensor "a"/],
    ["hole", raw({ a: f32([0, 8]), b: f32([12, 20]) }, 20), /tensor "b": data_offsets \[12,20\] leave a hole of 4 bytes/],
    ["reversed offsets", raw({ a: f32([8, 0]) }, 8), /data_offsets \[8,0\] end before they start/],
    ["truncated data", raw({ a: f32([0, 8]) }, 4), /tensor "a": data_offsets \[0,8\] run past the end of the data \(4 bytes\); the file is truncated/],
    ["trailing bytes", raw({ a: f32([0, 8]) }, 12), /describes 8 bytes of tensor data but the file holds 12; there are trailing bytes/],
    ["bad metadata", raw({ __metadata__: { n: 1 } }), /__metadata__\["n"\] must be a string/],
    ["I64 out of range", raw({ a: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0])), /tensor "a": I64 value 4294967296 at element 0 does not fit in int32/],
    ["F8 unsupported", raw({ a: { dtype: "F8_E4M3", shape: [1], data_offsets: [0, 1] } }, 1), /tensor "a": dtype F8_E4M3 is not supported by myelin/],
  ];
  for (const [what, bytes, re] of cases) assert.throws(() => parseSafetensors(bytes), re, what);
  assert.throws(() => serializeSafetensors({ __metadata__: tensor([1]) }), /"__metadata__" is reserved/);
});

test("files: save/load round trip, atomic write leaves no temp files, errors name the file", () => {
  const dir = tmp();
  try {
    const path = join(dir, "w.safetensors");
    saveSafetensors(path, { w: arange(0, 4).reshape(2, 2) }, { format: "pt" });
    assert.deepEqual(loadSafetensors(path)["w"]!.toArray(), [[0, 1], [2, 3]]);
    assert.deepEqual(readSafetensors(path).metadata, { format: "pt" });
    assert.deepEqual(readdirSync(dir), ["w.safetensors"]);
    writeFileSync(path, readFileSync(path).subarray(0, 90)); // truncate the data
    assert.throws(() => loadSafetensors(path), new RegExp(`loadSafetensors: ${path}: safetensors: .*truncated`));
    assert.throws(() => loadSafetensors(join(dir, "nope.safetensors")), /loadSafetensors: cannot read .*nope\.safetensors/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("flattenState / unflattenState: optimizer-style state round trip", () => {
  const state = {
    state: { 0: { step: tensor(3), exp_avg: tensor([1, 2]) }, 1: { step: tensor(3), exp_avg: tensor([[0.5]]) } },
    param_groups: [{ lr: 0.001, betas: [0.9, 0.999], params: [0, 1], amsgrad: false, best: -Infinity, name: null }],
  };
  const { tensors, skeleton } = io.flattenState(state);
  assert.deepEqual(Object.keys(tensors).sort(), ["state.0.exp_avg", "state.0.step", "state.1.exp_avg", "state.1.step"]);
  const back = io.unflattenState(JSON.parse(JSON.stringify(skeleton)) as io.JsonValue, tensors) as typeof state;
  assert.equal(back.param_groups[0]!.best, -Infinity);
  assert.deepEqual(back.param_groups[0]!.betas, [0.9, 0.999]);
  assert.deepEqual((back.state[1].exp_avg).toArray(), [[0.5]]);
  assert.throws(() => io.unflattenState(skeleton, {}), /tensor "state.0.step" is referenced by the state but missing/);
  assert.throws(() => io.unflattenState(skeleton, { ...tensors, stray: tensor([1]) }), /holds tensors the state does not reference: stray/);
});

test("checkpoints: save, load, resume fields, atomic replace, crash mid-write, corruption", () => {
  const root = tmp();
  const dir = join(root, "ckpt");
  const model = { "0.weight": arange(0, 6).reshape(2, 3), "0.bias": tensor([0.5, -0.5]) };
  const optimizer = { state: { 0: { step: tensor(2), momentum_buffer: tensor([1, 2, 3]) } }, param_groups: [{ lr: 0.1, params: [0] }] };
  try {
    saveCheckpoint(dir, { model, optimizer, epoch: 2, history: { loss: [1, 0.5] }, config: { recipe: "mnist" } });
    const c = loadCheckpoint(dir);
    assert.equal(c.epoch, 2);
    assert.deepEqual(c.history, { loss: [1, 0.5] });
    assert.deepEqual(c.config, { recipe: "mnist" });
    assert.deepEqual(c.model["0.weight"]!.toArray(), [[0, 1, 2], [3, 4, 5]]);
    const opt = c.optimizer as typeof optimizer;
    assert.deepEqual(opt.state[0].momentum_buffer.toArray(), [1, 2, 3]);
    assert.deepEqual(opt.param_groups, [{ lr: 0.1, params: [0] }]);
    assert.deepEqual(readdirSync(dir).sort(), ["checkpoint.json", "model.safetensors", "optimizer.safetensors"]);
    // PyTorch-readable model file
    assert.deepEqual(loadSafetensors(join(dir, "model.safetensors"))["0.bias"]!.toArray(), [0.5, -0.5]);

    // replace atomically; nothing left behind
    saveCheckpoint(dir, { model, epoch: 3 });
    assert.equal(loadCheckpoint(dir).epoch, 3);
    assert.equal(loadCheckpoint(dir).optimizer, null);
    assert.deepEqual(readdirSync(root), ["ckpt"]);

    // a crash after writing the new files but before the rename keeps the previous checkpoint
    assert.throws(() => saveCheckpoint(dir, { model, epoch: 4 }, { beforeCommit: () => { throw new Error("simulated crash"); } }), /simulated crash/);
    assert.equal(loadCheckpoint(dir).epoch, 3);
    assert.deepEqual(readdirSync(root), ["ckpt"]);

    // corruption: truncated tensor file, flipped byte, broken JSON, missing folder
    const modelPath = join(dir, "model.safetensors");
    const good = readFileSync(modelPath);
    writeFileSync(modelPath, good.subarray(0, good.length - 4));
    assert.throws(() => loadCheckpoint(dir), /loadCheckpoint: .*ckpt: model\.safetensors is truncated or corrupt: expected \d+ bytes, found \d+/);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1]! ^= 0xff;
    writeFileSync(modelPath, flipped);
    assert.throws(() => loadCheckpoint(dir), /model\.safetensors is corrupt: its SHA-256 does not match/);
    writeFileSync(modelPath, good);
    writeFileSync(join(dir, "checkpoint.json"), "{ not json");
    assert.throws(() => loadCheckpoint(dir), /checkpoint\.json is corrupt \(invalid JSON/);
    assert.throws(() => loadCheckpoint(join(root, "missing")), /loadCheckpoint: no checkpoint at .*missing/);
    assert.throws(() => saveCheckpoint(dir, { model, epoch: -1 }), /epoch must be a non-negative integer/);
    assert.ok(existsSync(dir));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
