// The text generator: a character-level LSTM (embedding 32, 128 hidden units; windows of 32
// characters) trains in the page on 3.4 kB of traditional nursery rhymes (text/nursery-rhymes.txt)
// and writes new ones, one character at a time from its recurrent state. Sampling divides the
// logits by the temperature first: below 1 safer, above 1 wilder.
// ?steps=N trains N steps, then generates once (?seed, ?temperature; the browser tests use it).
import { data, Generator, manualSeed, nn, noGrad, optim, stepScope, tensor } from "myelin";
import { playLoop, showTraining, trainSteps } from "./loss-plot.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const TEXT = await (await fetch(new URL("./text/nursery-rhymes.txt", import.meta.url))).text();
const tokenizer = data.CharTokenizer.fromCorpus(TEXT);
const IDS = tokenizer.encode(TEXT);
const CHARS = new Set(TEXT);
const CTX = 32;
const BATCH = 32;
const seed = Number(params.get("seed") ?? 1);
if (params.has("temperature")) $("temperature").value = params.get("temperature");
if (params.has("prompt")) $("prompt").value = params.get("prompt");

/** Characters in, next-character logits out; the LSTM's state carries the text so far. */
class CharLSTM extends nn.Module {
  constructor(vocab, hidden) {
    super();
    this.emb = new nn.Embedding(vocab, 32);
    this.lstm = new nn.LSTM(32, hidden, { batchFirst: true });
    this.out = new nn.Linear(hidden, vocab);
  }
  /** ids [N, T] → logits [N, T, vocab], and the state after the last character. */
  forward(ids, state = null) {
    const [h, next] = this.lstm.forward(this.emb.forward(ids), state);
    return [this.out.forward(h), next];
  }
}

let state;
function reset() {
  manualSeed(seed);
  const model = new CharLSTM(tokenizer.vocabSize, 128);
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
  state = { model, optimizer, gen: new Generator(seed), lossFn: new nn.CrossEntropyLoss(), losses: [] };
  const count = model.parameters().reduce((n, p) => n + p.numel, 0);
  $("model").textContent = `LSTM: embedding 32, 128 hidden units, ${count.toLocaleString("en")} parameters, ${tokenizer.vocabSize} characters`;
  $("sample").textContent = "";
  draw();
}

/** One Adam step on BATCH random windows: predict each next character of CTX. */
function trainStep() {
  const { model, optimizer, gen, lossFn, losses } = state;
  const x = [];
  const y = [];
  for (let b = 0; b < BATCH; b++) {
    const s = Math.floor(gen.random() * (IDS.length - CTX - 1));
    x.push(IDS.slice(s, s + CTX));
    y.push(IDS.slice(s + 1, s + CTX + 1));
  }
  // stepScope frees the step's temporaries (a few MiB of activations) as soon as it returns
  const loss = stepScope(() => {
    optimizer.zeroGrad();
    const [logits] = model.forward(tensor(x, { dtype: "int32" }));
    const l = lossFn.forward(logits.reshape(-1, tokenizer.vocabSize), tensor(y, { dtype: "int32" }).reshape(-1));
    l.backward();
    optimizer.step();
    return l.item();
  }, model, optimizer);
  losses.push(loss);
}

const escape = (s) => s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]);

/** Continues the prompt (its characters the rhymes never use are dropped) with the chosen temperature. */
function sample() {
  const prompt = [...$("prompt").value].filter((c) => CHARS.has(c)).join("") || "\n";
  const temperature = Number($("temperature").value);
  const n = Number($("length").value);
  const generator = new Generator(seed);
  const { model } = state;
  model.eval();
  // stepScope frees the 2·n small temporaries of the loop at once; noGrad records no graph
  const ids = stepScope(() => noGrad(() => {
    let [logits, h] = model.forward(tensor([tokenizer.encode(prompt)], { dtype: "int32" }));
    const out = [];
    for (let i = 0; i < n; i++) {
      const next = nn.sampleLogits(logits.select(1, logits.shape[1] - 1), { temperature, generator });
      out.push(next.item());
      [logits, h] = model.forward(next.unsqueeze(1), h);
    }
    return out;
  }), model);
  model.train();
  const text = prompt + tokenizer.decode(ids);
  $("sample").innerHTML = `<b>${escape(prompt)}</b>${escape(text.slice(prompt.length))}`;
  return { prompt, text, temperature };
}

function draw() {
  showTraining(state.losses.length, state.losses, ` (uniform guessing: ${Math.log(tokenizer.vocabSize).toFixed(2)})`);
}

const setRunning = playLoop(4, trainStep, () => {
  draw();
  if (state.losses.length % 100 === 0) sample(); // watch the rhymes take shape
});
$("generate").onclick = () => sample();
$("reset").onclick = () => (setRunning(false), reset());
$("temperature").oninput = () => ($("tempValue").textContent = Number($("temperature").value).toFixed(2));
$("temperature").onchange = () => state.losses.length && sample();
$("tempValue").textContent = Number($("temperature").value).toFixed(2);

reset();
const fixed = Number(params.get("steps") ?? 0);
if (fixed > 0) {
  const t0 = performance.now();
  await trainSteps(fixed, 50, trainStep);
  const ms = performance.now() - t0;
  draw();
  globalThis.__playground = { losses: state.losses, ms, ...sample() };
  document.body.dataset.ready = "true";
} else {
  document.body.dataset.ready = "true";
  setRunning(params.get("autoplay") !== "0");
}
