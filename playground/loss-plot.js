// The training-loss plot the playground's training pages share: raw batch losses, faint, under
// their exponential moving average; the y axis runs from 0 to the largest smoothed loss.

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
