// What the playground's training pages (classify, textgen) share: the loss plot (raw batch losses,
// faint, under their exponential moving average; the y axis from 0 to the largest smoothed loss),
// the stats and backend lines under it, the play/pause loop and the fixed ?steps=N run.
import { getBackend, yieldToEventLoop } from "myelin";

const $ = (id) => document.getElementById(id);

export function plotLoss(canvas, losses) {
  const ctx = canvas.getContext("2d");
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = "#e3e6ea";
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    ctx.beginPath();
    ctx.moveTo(30, 10 + (i * (h - 30)) / 4);
    ctx.lineTo(w - 5, 10 + (i * (h - 30)) / 4);
    ctx.stroke();
  }
  if (losses.length < 2) return;
  // an exponential moving average, as TensorBoard smooths, over the raw (noisy) batch losses
  const smooth = [];
  let s = losses[0];
  for (const l of losses) smooth.push((s = 0.9 * s + 0.1 * l));
  const top = Math.max(...smooth) * 1.05;
  const x = (i) => 30 + (i / (losses.length - 1)) * (w - 35);
  const y = (v) => 10 + (1 - v / top) * (h - 30);
  ctx.strokeStyle = "rgba(8,119,189,0.25)";
  ctx.beginPath();
  losses.forEach((l, i) => (i ? ctx.lineTo(x(i), y(Math.min(l, top))) : ctx.moveTo(x(i), y(Math.min(l, top)))));
  ctx.stroke();
  ctx.strokeStyle = "#0877bd";
  ctx.lineWidth = 2;
  ctx.beginPath();
  smooth.forEach((l, i) => (i ? ctx.lineTo(x(i), y(l)) : ctx.moveTo(x(i), y(l))));
  ctx.stroke();
  ctx.fillStyle = "#667";
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillText(top.toFixed(2), 0, 14);
  ctx.fillText("0", 18, h - 18);
  ctx.fillText(`${losses.length} steps`, w - 70, h - 4);
}

/**
 * Redraws the #loss canvas, the #stats line (`step N · loss L`, L the mean of the last 20 batch
 * losses, then the page's `extra` html) and the #backend line.
 */
export function showTraining(step, losses, extra) {
  plotLoss($("loss"), losses);
  const last = losses.length ? losses.slice(-20).reduce((a, b) => a + b, 0) / Math.min(20, losses.length) : NaN;
  $("stats").innerHTML = `step <b>${step}</b> · loss <b>${Number.isNaN(last) ? "–" : last.toFixed(3)}</b>${extra}`;
  const be = getBackend();
  $("backend").textContent = `backend: ${be.name}${be.variant ? ` (${be.variant}, ${be.getNumThreads()} thread${be.getNumThreads() > 1 ? "s" : ""})` : ""}`;
}

/**
 * The #play button: while running, each animation frame takes `perFrame` training steps, then
 * calls `afterFrame` (the redraw). Each frame is a task: dead tensors' wasm memory is freed between
 * them. Returns setRunning(on).
 */
export function playLoop(perFrame, trainStep, afterFrame) {
  let running = false;
  function frame() {
    if (!running) return;
    for (let i = 0; i < perFrame; i++) trainStep();
    afterFrame();
    requestAnimationFrame(frame);
  }
  function setRunning(on) {
    running = on;
    $("play").textContent = on ? "❚❚ pause" : "▶ train";
    if (on) requestAnimationFrame(frame);
  }
  $("play").onclick = () => setRunning(!running);
  return setRunning;
}

/** The ?steps=N run: N training steps, yielding to the event loop after every `every`. */
export async function trainSteps(n, every, trainStep) {
  for (let i = 0; i < n; i++) {
    trainStep();
    if (i % every === every - 1) await yieldToEventLoop();
  }
}
