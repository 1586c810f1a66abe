// The optimizer race: every optimizer of the course starts from the same point of a loss surface,
// its path drawn over the surface's contours. ?steps=N runs N steps and draws once (screenshots).
import { OPTIMIZERS, racer, SURFACES } from "./race-core.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
if (params.get("surface")) $("surfaceName").value = params.get("surface");
const canvas = $("surface");
const ctx = canvas.getContext("2d");
const SIZE = canvas.width;
// viridis, sampled: low loss dark purple, high loss yellow
const STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const colormap = (t) => {
  const u = Math.min(0.9999, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.floor(u);
  return STOPS[i].map((c, k) => c + (STOPS[i + 1][k] - c) * (u - i));
};

let surface;
let racers;
let background;
let steps = 0;

const toPx = ([x, y]) => {
  const [[x0, x1], [y0, y1]] = surface.domain;
  return [((x - x0) / (x1 - x0)) * SIZE, (1 - (y - y0) / (y1 - y0)) * SIZE];
};

/** log-scaled loss as colour, with darker bands every 1/14 of the range: the contour lines. */
function drawBackground() {
  const n = SIZE;
  const [[x0, x1], [y0, y1]] = surface.domain;
  const vals = [];
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) vals.push(surface.f(x0 + ((c + 0.5) / n) * (x1 - x0), y1 - ((r + 0.5) / n) * (y1 - y0)));
  const lo = vals.reduce((a, b) => Math.min(a, b));
  const logs = vals.map((v) => Math.log1p(v - lo));
  const hi = logs.reduce((a, b) => Math.max(a, b));
  const img = new ImageData(n, n);
  logs.forEach((v, i) => {
    const t = v / hi;
    const band = (t * 14) % 1 < 0.05 ? 0.78 : 1;
    img.data.set([...colormap(t).map((c) => c * band), 255], 4 * i);
  });
  const off = new OffscreenCanvas(n, n);
  off.getContext("2d").putImageData(img, 0, 0);
  background = off;
}

function reset() {
  surface = SURFACES[$("surfaceName").value];
  $("title").textContent = surface.title;
  racers = Object.keys(OPTIMIZERS).map((name) => racer($("surfaceName").value, name));
  steps = 0;
  drawBackground();
  draw();
}

function draw() {
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(background, 0, 0, SIZE, SIZE);
  if (surface.minimum) {
    const [mx, my] = toPx(surface.minimum);
    ctx.beginPath();
    for (let i = 0; i < 10; i++) {
      const r = i % 2 ? 4 : 10;
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      ctx.lineTo(mx + r * Math.cos(a), my + r * Math.sin(a));
    }
    ctx.closePath();
    ctx.fillStyle = "white";
    ctx.fill();
    ctx.strokeStyle = "#222";
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  for (const r of racers) {
    const color = OPTIMIZERS[r.name].color;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2.2;
    ctx.beginPath();
    r.path.forEach((p, i) => (i ? ctx.lineTo(...toPx(p)) : ctx.moveTo(...toPx(p))));
    ctx.stroke();
    const [cx, cy] = toPx(r.path.at(-1));
    ctx.beginPath();
    ctx.arc(cx, cy, 4.5, 0, 2 * Math.PI);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.strokeStyle = "white";
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
  const [sx, sy] = toPx(racers[0].path[0]);
  ctx.strokeStyle = "white";
  ctx.lineWidth = 2;
  ctx.strokeRect(sx - 5, sy - 5, 10, 10);
  const sorted = [...racers].sort((a, b) => a.loss() - b.loss());
  $("legend").innerHTML =
    "<tr><td></td><td><b>optimizer</b></td><td><b>lr</b></td><td><b>loss</b></td></tr>" +
    sorted
      .map((r) => {
        const lr = surface.lr[r.name];
        return `<tr><td><span class="sw" style="background:${OPTIMIZERS[r.name].color}"></span></td><td>${r.name}</td><td>${lr ?? "–"}</td><td class="${r.done ? "out" : ""}">${r.loss().toExponential(2)}${r.done ? " (left the plot)" : ""}</td></tr>`;
      })
      .join("");
  $("stepinfo").innerHTML = `step <b>${steps}</b> · start □ · ${surface.minimum ? "minimum ★" : "no minimum: the surface falls away along y"}`;
}

function advance(k) {
  for (let i = 0; i < k; i++) for (const r of racers) r.step();
  steps += k;
}

let running = false;
function frame() {
  if (!running) return;
  advance(3);
  draw();
  if (steps >= 3000) return setRunning(false);
  requestAnimationFrame(frame);
}
function setRunning(on) {
  running = on;
  $("play").textContent = on ? "❚❚ pause" : "▶ race";
  if (on) requestAnimationFrame(frame);
}
$("play").onclick = () => setRunning(!running);
$("reset").onclick = () => (setRunning(false), reset());
$("surfaceName").onchange = () => reset();

reset();
const fixed = Number(params.get("steps") ?? 0);
if (fixed > 0) {
  advance(fixed);
  draw();
} else setRunning(params.get("autoplay") !== "0");
globalThis.__playground = { race: racers.map((r) => ({ name: r.name, loss: r.loss(), done: r.done, steps: r.path.length - 1 })) };
document.body.dataset.ready = "true";
