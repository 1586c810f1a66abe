// The activation explorer: every activation function of the course with its derivative, both
// computed by myelin (the derivative by reverse-mode autograd, not by a hand-written formula).
import { grad, linspace } from "myelin";
import { ACTIVATIONS } from "./activations-table.js";

const W = 236;
const H = 150;
const N = 481;

function plot(canvas, xs, ys, ds) {
  const ctx = canvas.getContext("2d");
  const all = [...ys, ...ds].filter(Number.isFinite);
  let lo = Math.min(-1.2, ...all);
  let hi = Math.max(1.2, ...all);
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const px = (x) => ((x + 4) / 8) * (W - 8) + 4;
  const py = (y) => (1 - (y - lo) / (hi - lo)) * (H - 8) + 4;
  ctx.strokeStyle = "#d5d9de";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(px(-4), py(0));
  ctx.lineTo(px(4), py(0));
  ctx.moveTo(px(0), py(lo));
  ctx.lineTo(px(0), py(hi));
  ctx.stroke();
  ctx.fillStyle = "#99a";
  ctx.font = "10px system-ui, sans-serif";
  ctx.fillText(hi.toFixed(1), px(0) + 3, 12);
  ctx.fillText(lo.toFixed(1), px(0) + 3, H - 6);
  const line = (vals, color, width, dash) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    ctx.beginPath();
    vals.forEach((v, i) => (i ? ctx.lineTo(px(xs[i]), py(v)) : ctx.moveTo(px(xs[i]), py(v))));
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line(ds, "#f59322", 2, [5, 3]);
  line(ys, "#0877bd", 2.5, []);
}

for (const [name, { make, formula }] of Object.entries(ACTIVATIONS)) {
  const act = make();
  act.eval(); // RReLU: the mean slope, as at inference
  const x = linspace(-4, 4, N, { requiresGrad: true });
  const y = act.forward(x);
  const [d] = grad(y.sum(), [x]);
  const card = document.createElement("div");
  card.className = "panel card";
  card.innerHTML = `<h3>${name}</h3><div class="formula">${formula}</div>`;
  const canvas = document.createElement("canvas");
  canvas.width = W;
  canvas.height = H;
  card.append(canvas);
  document.getElementById("grid").append(card);
  plot(canvas, Array.from(x.dataSync()), Array.from(y.dataSync()), Array.from(d.dataSync()));
}
document.body.dataset.ready = "true";
