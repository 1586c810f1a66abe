// Draw a digit: deck 001's 784-16-16-10 sigmoid network, trained with the CLI
// (`myelin train course-digits`, 91.6% on the held-out digits) and loaded from its safetensors file,
// classifies what you draw. The drawing is preprocessed as MNIST was: the ink's bounding box scaled
// to 20 × 20, then centred by its centre of mass in 28 × 28.
import { io, nn, noGrad, tensor } from "myelin";

const $ = (id) => document.getElementById(id);
const pad = $("pad");
const pctx = pad.getContext("2d", { willReadFrequently: true });
const MODEL_URL = new URL("./models/course-digits.safetensors", import.meta.url);

const model = new nn.Sequential(new nn.Linear(784, 16), new nn.Sigmoid(), new nn.Linear(16, 16), new nn.Sigmoid(), new nn.Linear(16, 10));
const bytes = new Uint8Array(await (await fetch(MODEL_URL)).arrayBuffer());
model.loadStateDict(io.parseSafetensors(bytes).tensors);
model.eval();
$("model").textContent = `deck 001's 784-16-16-10 network, ${model.parameters().reduce((n, p) => n + p.numel, 0).toLocaleString("en")} parameters, from course-digits.safetensors`;

/** The drawing as MNIST pixels in [0, 1] (784 values), or null when nothing is drawn. */
function toMnist() {
  const { data, width, height } = pctx.getImageData(0, 0, pad.width, pad.height);
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (data[4 * (y * width + x)] > 20) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  if (x1 < 0) return null;
  const side = Math.max(x1 - x0, y1 - y0) + 1;
  const small = new OffscreenCanvas(28, 28);
  const sctx = small.getContext("2d", { willReadFrequently: true });
  sctx.fillStyle = "black";
  sctx.fillRect(0, 0, 28, 28);
  const w = ((x1 - x0 + 1) / side) * 20;
  const h = ((y1 - y0 + 1) / side) * 20;
  sctx.imageSmoothingQuality = "high";
  sctx.drawImage(pad, x0, y0, x1 - x0 + 1, y1 - y0 + 1, 4 + (20 - w) / 2, 4 + (20 - h) / 2, w, h);
  const small28 = sctx.getImageData(0, 0, 28, 28).data;
  let px = Array.from({ length: 784 }, (_, i) => small28[4 * i] / 255);
  // centre of mass to the centre, as LeCun et al. prepared MNIST
  let [m, cx, cy] = [0, 0, 0];
  px.forEach((v, i) => ((m += v), (cx += v * (i % 28)), (cy += v * Math.floor(i / 28))));
  const [dx, dy] = [Math.round(13.5 - cx / m), Math.round(13.5 - cy / m)];
  const shifted = new Array(784).fill(0);
  px.forEach((v, i) => {
    const [x, y] = [(i % 28) + dx, Math.floor(i / 28) + dy];
    if (x >= 0 && x < 28 && y >= 0 && y < 28) shifted[y * 28 + x] = v;
  });
  px = shifted;
  return px;
}

function showSeen(px) {
  const c = $("seen").getContext("2d");
  const img = new ImageData(28, 28);
  px.forEach((v, i) => img.data.set([v * 255, v * 255, v * 255, 255], 4 * i));
  const off = new OffscreenCanvas(28, 28);
  off.getContext("2d").putImageData(img, 0, 0);
  c.imageSmoothingEnabled = false;
  c.drawImage(off, 0, 0, 140, 140);
}

function showBars(probs) {
  const c = $("bars").getContext("2d");
  c.clearRect(0, 0, 320, 250);
  const best = probs.indexOf(Math.max(...probs));
  c.font = "14px system-ui, sans-serif";
  probs.forEach((p, d) => {
    const y = 8 + d * 24;
    c.fillStyle = "#667";
    c.fillText(String(d), 4, y + 14);
    c.fillStyle = "#eef1f4";
    c.fillRect(22, y, 240, 18);
    c.fillStyle = d === best ? "#f59322" : "#0877bd";
    c.fillRect(22, y, 240 * p, 18);
    c.fillStyle = "#333";
    c.fillText(`${(p * 100).toFixed(1)}%`, 268, y + 14);
  });
}

function classify() {
  const px = toMnist();
  if (!px) {
    showBars(new Array(10).fill(0));
    globalThis.__playground = { digit: null };
    return;
  }
  showSeen(px);
  const probs = Array.from(noGrad(() => model.forward(tensor(px, { shape: [1, 784] })).softmax(1).dataSync()));
  showBars(probs);
  globalThis.__playground = { digit: probs.indexOf(Math.max(...probs)), probs };
}

function clear() {
  pctx.fillStyle = "black";
  pctx.fillRect(0, 0, pad.width, pad.height);
  $("seen").getContext("2d").clearRect(0, 0, 140, 140);
  classify();
}

let last = null;
pad.addEventListener("pointerdown", (e) => {
  last = [e.offsetX, e.offsetY];
  pad.setPointerCapture(e.pointerId);
});
pad.addEventListener("pointermove", (e) => {
  if (!last) return;
  pctx.strokeStyle = "white";
  pctx.lineWidth = 20;
  pctx.lineCap = "round";
  pctx.lineJoin = "round";
  pctx.beginPath();
  pctx.moveTo(...last);
  pctx.lineTo(e.offsetX, e.offsetY);
  pctx.stroke();
  last = [e.offsetX, e.offsetY];
  classify();
});
pad.addEventListener("pointerup", () => (last = null));
$("clear").onclick = clear;
clear();
document.body.dataset.ready = "true";
