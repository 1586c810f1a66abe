// The parity checks that test/conv-layers.test.ts and test/conv3d.test.ts run on every case that
// tools/fixtures/common.py's layer_case and functional record (conv.py, conv3d.py).

import assert from "node:assert/strict";
import { F, nn, type Tensor } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { decode, decodeState, values, type FixtureTensor, type LayerCase } from "./helpers.js";

/** A functional form's case: F[fn](...tensors, ...args), its output and the tensors' gradients. */
export interface FnCase { fn: string; tensors: FixtureTensor[]; args: unknown[]; out: FixtureTensor; gradOutput: FixtureTensor; grads: FixtureTensor[] }
/** A layer case with the extra positional arguments its forward got (MaxUnpool's indices …). */
export type ConvLayerCase = LayerCase & { forwardArgs: unknown[] };

export const F32 = { rtol: 1e-4, atol: 1e-5 };
export const GRAD = { rtol: 1e-4, atol: 1e-4 };

type Mod = nn.Module<[Tensor, ...unknown[]], Tensor | [Tensor, Tensor]>;
/** The layer as the case's ctor says (null arguments are torch's None: the default). */
export const buildLayer = (c: LayerCase["ctor"]): Mod =>
  new ((nn as unknown as Record<string, new (...args: unknown[]) => Mod>)[c.class]!)(...c.args.map((a) => a ?? undefined), c.options);

/** State-dict keys and shapes, forward (and a pool's indices), input and parameter gradients, buffers after the step. */
export function checkLayerCase(c: ConvLayerCase): void {
  const m = buildLayer(c.ctor);
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.stateDict), "torch's state-dict keys in torch's order");
  for (const [k, v] of Object.entries(m.stateDict())) assert.deepEqual(v.shape, c.stateDict[k]!.shape, `shape of ${k}`);
  m.loadStateDict(decodeState(c.stateDict));
  m.train(c.train);
  const x = decode(c.input, { requiresGrad: true });
  const res = m.forward(x, ...c.forwardArgs);
  const [y, idx] = Array.isArray(res) ? res : [res, null];
  assert.deepEqual(y.shape, c.out.shape, `${c.name} output shape`);
  assertClose(y, values(c.out), F32, `${c.name} forward`);
  if (c.indices) assert.deepEqual([...idx!.dataSync()], values(c.indices), `${c.name} indices`);
  else assert.equal(idx, null);
  y.backward(decode(c.gradOutput));
  assertClose(x.grad!, values(c.gradInput!), GRAD, `${c.name} input gradient`);
  for (const [k, p] of m.namedParameters()) assertClose(p.grad!, values(c.paramGrads[k]!), GRAD, `${c.name} gradient of ${k}`);
  if (c.stateAfter) {
    const sd = m.stateDict();
    for (const [k, v] of Object.entries(c.stateAfter)) assertClose(sd[k]!, values(v), F32, `${c.name}: ${k} after the step`);
  }
}

/** F[fn] with positional arguments (null for torch's None): output and every tensor's gradient. */
export function checkFunctionalCase(c: FnCase): void {
  const ts = c.tensors.map((t) => decode(t, { requiresGrad: true }));
  const fn = (F as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.fn]!;
  const y = fn(...ts, ...c.args.map((a) => a ?? null));
  assertClose(y, values(c.out), F32, `F.${c.fn}`);
  y.backward(decode(c.gradOutput));
  ts.forEach((t, i) => assertClose(t.grad!, values(c.grads[i]!), GRAD, `F.${c.fn} gradient ${i}`));
}
