// The 2-D classification page: a small MLP trains on XOR, circles, moons or spirals while the
// decision boundary and the loss curve redraw live. ?steps=N trains N steps and draws once (the
// screenshot tests use it); every control can also be set from the query string (?dataset=moons).
import { data, Generator, manualSeed, nn, noGrad, optim, tensor } from "myelin";
import { ACTIVATIONS } from "./activations-table.js";
import { playLoop, showTraining, trainSteps } from "./loss-plot.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
const DOMAIN = 1.3; // the plot shows [-DOMAIN, DOMAIN]²
const GRID = 84;

const OPTIMIZERS = {
  SGD: (p, lr) => new optim.SGD(p, { lr }),
  Momentum: (p, lr) => new optim.SGD(p, { lr, momentum: 0.9 }),
  Nesterov: (p, lr) => new optim.SGD(p, { lr, momentum: 0.9, nesterov: true }),
  AdaGrad: (p, lr) => new optim.Adagrad(p, { lr }),
  AdaDelta: (p, lr) => new optim.Adadelta(p, { lr: lr * 100 }),
  RMSProp: (p, lr) => new optim.RMSprop(p, { lr }),
  Adam: (p, lr) => new optim.Adam(p, { lr }),
};

for (const name of Object.keys(ACTIVATIONS)) $("activation").add(new Option(name, name, name === "Tanh", name === "Tanh"));
for (const name of Object.keys(OPTIMIZERS)) $("optimizer").add(new Option(name, name, name === "Adam", name === "Adam"));
for (const [k, v] of params) if ($(k) && $(k).tagName === "SELECT") $(k).value = v;
const setting = (id) => $(id).value;
const num = (id) => Number($(id).value);

/** Points in [-1, 1]² with labels 0/1, from myelin's generators where it has them. */
function makeData(kind, n, noise, gen) {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - gen.random())) * Math.cos(2 * Math.PI * gen.random());
  const xs = [];
  const ys = [];
  if (kind === "xor" || kind === "circles") {
    for (let i = 0; i < n; i++) {
      let x, y, label;
      if (kind === "xor") {
        x = gen.random() * 2 - 1;
        y = gen.random() * 2 - 1;
        x += Math.sign(x) * 0.08; // a margin around the axes, like the TensorFlow playground's
        y += Math.sign(y) * 0.08;
        label = x * y > 0 ? 0 : 1;
      } else {
        label = i % 2;
        const r = label === 0 ? gen.random() * 0.45 : 0.7 + gen.random() * 0.3;
        const t = gen.random() * 2 * Math.PI;
        x = r * Math.cos(t);
        y = r * Math.sin(t);
      }
      xs.push(x / 1.1 + noise * gauss(), y / 1.1 + noise * gauss());
      ys.push(label);
    }
    return { xs, ys };
  }
  const ds = kind === "moons" ? data.moons({ n, noise, generator: gen }) : data.twoSpirals({ n, noise: noise * 3, generator: gen, turns: 1.5 });
  const [pts, labels] = ds.tensors;
  const p = Array.from(pts.dataSync());
  const cx = [0, 1].map((d) => (Math.max(...p.filter((_, i) => i % 2 === d)) + Math.min(...p.filter((_, i) => i % 2 === d))) / 2);
  const scale = Math.max(...p.map((v, i) => Math.abs(v - cx[i % 2])));
  return { xs: p.map((v, i) => (v - cx[i % 2]) / scale), ys: Array.from(labels.dataSync()) };
}

let state;

function reset() {
  const seed = Number(params.get("seed") ?? 1);
  manualSeed(seed);
  const gen = new Generator(seed);
  const { xs, ys } = makeData(setting("dataset"), 240, num("noise"), gen);
  const layers = [];
  let inF = 2;
  for (let i = 0; i < num("layers"); i++) {
    layers.push(new nn.Linear(inF, num("width")), ACTIVATIONS[setting("activation")].make());
    if (num("dropout") > 0) layers.push(new nn.Dropout(num("dropout")));
    inF = num("width");
  }
  layers.push(new nn.Linear(inF, 2));
  const model = new nn.Sequential(...layers);
  const optimizer = OPTIMIZERS[setting("optimizer")](model.parameters(), num("lr"));
  const grid = [];
  for (let r = 0; r < GRID; r++)
    for (let c = 0; c < GRID; c++) grid.push(((c + 0.5) / GRID * 2 - 1) * DOMAIN, -((r + 0.5) / GRID * 2 - 1) * DOMAIN);
  state = { xs, ys, gen, model, optimizer, losses: [], step: 0, lossFn: new nn.CrossEntropyLoss(), grid: tensor(grid, { shape: [GRID * GRID, 2] }) };
  draw();
}

/** One optimizer step on a random batch; returns the batch loss (cross-entropy + penalties). */
function trainStep() {
  const { xs, ys, gen, model, optimizer, lossFn } = state;
  const n = ys.length;
  const b = Math.min(num("batch"), n);
  const bx = [];
  const by = [];
  for (let i = 0; i < b; i++) {
    const j = Math.floor(gen.random() * n);
    bx.push(xs[2 * j], xs[2 * j + 1]);
    by.push(ys[j]);
  }
  optimizer.zeroGrad();
  let loss = lossFn.forward(model.forward(tensor(bx, { shape: [b, 2] })), tensor(by, { dtype: "int32" }));
  const weights = model.parameters().filter((p) => p.ndim === 2);
  if (num("l2") > 0) loss = loss.add(weights.map((w) => w.pow(2).sum()).reduce((a, c) => a.add(c)).mul(num("l2")));
  if (num("l1") > 0) loss = loss.add(weights.map((w) => w.abs().sum()).reduce((a, c) => a.add(c)).mul(num("l1")));
  loss.backward();
  optimizer.step();
  state.step++;
  const v = loss.item();
  state.losses.push(v);
  return v;
}

const mix = (a, b, t) => a.map((x, i) => Math.round(x + (b[i] - x) * t));

function drawBoundary() {
  const { model, grid, xs, ys } = state;
  const probs = noGrad(() => {
    model.eval();
    const p = model.forward(grid).softmax(1).dataSync();
    model.train();
    return p;
  });
  const img = new ImageData(GRID, GRID);
  let correct = 0;
  for (let i = 0; i < GRID * GRID; i++) {
    const p1 = probs[2 * i + 1];
    const conf = Math.abs(p1 - 0.5) * 2;
    const rgb = mix([250, 250, 250], p1 > 0.5 ? BLUE : ORANGE, 0.12 + 0.5 * conf);
    img.data.set([...rgb, 255], 4 * i);
  }
  const off = new OffscreenCanvas(GRID, GRID);
  off.getContext("2d").putImageData(img, 0, 0);
  const canvas = $("boundary");
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
  const toPx = (v, h) => ((h ? v : -v) / DOMAIN + 1) / 2 * canvas.width;
  const pred = noGrad(() => {
    model.eval();
    const out = model.forward(tensor(xs, { shape: [ys.length, 2] })).argmax(1).dataSync();
    model.train();
    return out;
  });
  for (let i = 0; i < ys.length; i++) {
    if (pred[i] === ys[i]) correct++;
    ctx.beginPath();
    ctx.arc(toPx(xs[2 * i], true), toPx(xs[2 * i + 1], false), 4, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${ys[i] ? BLUE : ORANGE})`;
    ctx.fill();
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = "white";
    ctx.stroke();
  }
  return correct / ys.length;
}

function draw() {
  const acc = drawBoundary();
  showTraining(state.step, state.losses, ` · accuracy <b>${(acc * 100).toFixed(1)}%</b>`);
}

const setRunning = playLoop(8, trainStep, draw);
$("step").onclick = () => (trainStep(), draw());
$("reset").onclick = () => reset();
for (const el of document.querySelectorAll("select")) el.onchange = () => reset();

reset();
const fixed = Number(params.get("steps") ?? 0);
if (fixed > 0) {
  await trainSteps(fixed, 100, trainStep);
  draw();
  globalThis.__playground = { losses: state.losses, accuracy: drawBoundary() };
  document.body.dataset.ready = "true";
} else {
  document.body.dataset.ready = "true";
  setRunning(params.get("autoplay") !== "0");
}
