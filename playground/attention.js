// Attention maps: deck 002's Arabic → Roman numerals Transformer (encoder-decoder, d 64, 4 heads,
// 2 + 2 layers), trained with the CLI (`myelin train numerals`: 98.6% exact on the held-out numbers)
// and loaded from its safetensors file, translates the number you type; every attention of the final
// pass is drawn per layer and head: cross-attention (letters → digits), and both self-attentions.
import { io, nn, noGrad, tensor } from "myelin";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

// The recipe's vocabulary and sizes (src/cli/recipes-attention.ts): ids must match the trained model.
const VOCAB = ["<pad>", "<bos>", "<eos>", ..."0123456789", ..."IVXLCDM"];
const ID = new Map(VOCAB.map((t, i) => [t, i]));
const [PAD, BOS, EOS, SRC, TGT] = [0, 1, 2, 4, 16];

/** The recipe's model, rebuilt from public layers with the same state-dict keys. */
class NumeralsTransformer extends nn.Module {
  constructor(dModel = 64, nhead = 4, layers = 2, dimFeedforward = 128) {
    super();
    this.emb = new nn.Embedding(VOCAB.length, dModel);
    this.pe = new nn.SinusoidalPositionalEncoding(dModel, { maxLen: 32, batchFirst: true });
    this.transformer = new nn.Transformer({ dModel, nhead, numEncoderLayers: layers, numDecoderLayers: layers, dimFeedforward, dropout: 0.1, batchFirst: true });
    this.out = new nn.Linear(dModel, VOCAB.length);
  }
  embed(ids) {
    return this.pe.forward(this.emb.forward(ids));
  }
  encode(src) {
    return this.transformer.encoder.forward(this.embed(src), null, src.eq(PAD));
  }
  decode(tgtIn, memory, src) {
    const mask = nn.Transformer.generateSquareSubsequentMask(tgtIn.shape[1]);
    return this.out.forward(this.transformer.decoder.forward(this.embed(tgtIn), memory, { tgtMask: mask, memoryKeyPaddingMask: src.eq(PAD) }));
  }
}

const model = new NumeralsTransformer();
const bytes = new Uint8Array(await (await fetch(new URL("./models/numerals.safetensors", import.meta.url))).arrayBuffer());
model.loadStateDict(io.parseSafetensors(bytes).tensors);
model.eval();
$("model").textContent = `encoder-decoder Transformer, ${model.parameters().reduce((n, p) => n + p.numel, 0).toLocaleString("en")} parameters, from numerals.safetensors`;

// The per-head weights of every attention, [heads][queries][keys] per layer, while `recording`.
// The layers ask their attention for no weights; each attention's forward is wrapped to ask for
// them unaveraged (MultiheadAttention's needWeights, averageAttnWeights: false), as a hook would.
const maps = { encoder: [], decoder: [], cross: [] };
let recording = false;
function record(mha, into) {
  const forward = mha.forward.bind(mha);
  mha.forward = (q, k, v, opts) => {
    if (!recording) return forward(q, k, v, opts);
    const [y, w] = forward(q, k, v, { ...opts, needWeights: true, averageAttnWeights: false });
    into.push(w.toArray()[0]);
    return [y, w];
  };
}
for (const l of model.transformer.encoder.layers) record(l.selfAttn, maps.encoder);
for (const l of model.transformer.decoder.layers) (record(l.selfAttn, maps.decoder), record(l.multiheadAttn, maps.cross));

function toRoman(n) {
  const table = [[1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"], [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"]];
  let out = "";
  for (const [v, s] of table) while (n >= v) [out, n] = [out + s, n - v];
  return out;
}

/** Greedy decoding of n, then one pass over the result with the attention weights recorded. */
function translate(n) {
  return noGrad(() => {
    const digits = [...String(n)];
    const src = tensor([[...digits.map((d) => ID.get(d)), ...Array(SRC - digits.length).fill(PAD)]], { dtype: "int32" });
    const memory = model.encode(src);
    const out = [BOS];
    while (out.length < TGT && out.at(-1) !== EOS) {
      const logits = model.decode(tensor([out], { dtype: "int32" }), memory, src);
      out.push(logits.select(1, out.length - 1).argmax(-1).item());
    }
    for (const m of Object.values(maps)) m.length = 0;
    recording = true;
    try {
      model.decode(tensor([out.slice(0, -1)], { dtype: "int32" }), model.encode(src), src);
    } finally {
      recording = false;
    }
    const outputs = out.slice(1).map((i) => VOCAB[i]);
    return { digits, outputs, inputs: out.slice(0, -1).map((i) => VOCAB[i]), roman: outputs.filter((t) => t.length === 1).join("") };
  });
}

const BLUES = [[247, 251, 255], [198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]];
function blue(t) {
  const x = Math.min(Math.max(t, 0), 1) * (BLUES.length - 1);
  const i = Math.min(Math.floor(x), BLUES.length - 2);
  return `rgb(${BLUES[i].map((c, k) => Math.round(c + (BLUES[i + 1][k] - c) * (x - i))).join(",")})`;
}

/** One head's map: rows are queries, columns keys, white 0 … dark blue 1. */
function heatmap(w, rows, cols, cell) {
  const [left, top] = [30, 16];
  const canvas = document.createElement("canvas");
  canvas.width = left + cols.length * cell + 2;
  canvas.height = top + rows.length * cell + 2;
  const ctx = canvas.getContext("2d");
  ctx.font = "11px ui-monospace, monospace";
  ctx.fillStyle = "#445";
  ctx.textAlign = "center";
  cols.forEach((c, j) => ctx.fillText(c, left + (j + 0.5) * cell, 11));
  ctx.textAlign = "right";
  rows.forEach((r, i) => ctx.fillText(r, left - 4, top + (i + 0.5) * cell + 4));
  rows.forEach((_, i) => cols.forEach((_, j) => {
    ctx.fillStyle = blue(w[i][j]);
    ctx.fillRect(left + j * cell, top + i * cell, cell - 1, cell - 1);
  }));
  return canvas;
}

/** A grid of maps: a row per layer, a column per head; weights cut to the real (unpadded) keys. */
function drawSection(id, layers, rows, cols, cell) {
  const grid = $(id);
  grid.replaceChildren(document.createElement("span"), ...layers[0].map((_, h) => Object.assign(document.createElement("span"), { textContent: `head ${h + 1}` })));
  layers.forEach((heads, l) => {
    grid.append(Object.assign(document.createElement("span"), { className: "rowlabel", textContent: `layer ${l + 1}` }));
    for (const w of heads) grid.append(heatmap(w, rows, cols, cell));
  });
}

const short = (t) => ({ "<bos>": "▸", "<eos>": "■" })[t] ?? t;
function show() {
  const n = Number($("number").value.trim());
  if (!(Number.isInteger(n) && n >= 1 && n <= 3999)) {
    $("result").innerHTML = `<small>type a whole number from 1 to 3999</small>`;
    return null;
  }
  const r = translate(n);
  const truth = toRoman(n);
  $("result").innerHTML = `${n} → ${r.roman}<small>${r.roman === truth ? "correct" : `should be ${truth}`}</small>`;
  drawSection("cross", maps.cross, r.outputs.map(short), r.digits, 22);
  drawSection("decoder", maps.decoder, r.outputs.map(short), r.inputs.map(short), 16);
  drawSection("encoder", maps.encoder, r.digits, r.digits, 22);
  const result = { n, roman: r.roman, truth, digits: r.digits, outputs: r.outputs, cross: maps.cross.map((l) => l.map((h) => h.map((row) => row.slice(0, r.digits.length)))) };
  globalThis.__playground = result;
  return result;
}

if (params.has("n")) $("number").value = params.get("n");
$("number").oninput = () => show();
show();
document.body.dataset.ready = "true";
