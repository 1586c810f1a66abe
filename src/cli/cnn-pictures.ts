// The pictures a CNN recipe leaves in its run folder: the first convolution's learned filters, the
// feature maps one test image produces on its way through the network, and the test set's confusion
// matrix (decks 000-004 show all three).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { data, nn, noGrad, type Tensor } from "../index.js";
import { encodePng } from "./images.js";

type Samples = data.Dataset<[Tensor, Tensor]>;
type Model = nn.Module<[Tensor], Tensor>;

/** The files cnnPictures writes (train.ts lists them among a run's files for --overwrite). */
export const CNN_PICTURES = ["filters.png", "feature-maps.png", "confusion.svg"] as const;

/** One picture in a mosaic: `c` planes (1 grey or 3 RGB) of h×w values, drawn `scale` times larger. */
interface Tile { c: number; h: number; w: number; planes: ArrayLike<number>; scale: number }

/** Stretches values to [0, 1] by their own minimum and maximum (a constant tile becomes mid-grey). */
function stretch(v: ArrayLike<number>): Float32Array {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) { lo = Math.min(lo, v[i]!); hi = Math.max(hi, v[i]!); }
  return Float32Array.from(v, (x) => (hi > lo ? (x - lo) / (hi - lo) : 0.5));
}

/** An RGB PNG of rows of tiles on a grey ground, 2-pixel gaps. */
function mosaicPng(rows: Tile[][]): Buffer {
  const gap = 2;
  const width = Math.max(...rows.map((r) => r.reduce((s, t) => s + t.w * t.scale + gap, gap)));
  const heights = rows.map((r) => Math.max(...r.map((t) => t.h * t.scale)) + gap);
  const height = heights.reduce((a, b) => a + b, gap);
  const px = new Float32Array(width * height * 3).fill(0.6);
  let top = gap;
  rows.forEach((r, ri) => {
    let left = gap;
    for (const t of r) {
      for (let y = 0; y < t.h * t.scale; y++)
        for (let x = 0; x < t.w * t.scale; x++)
          for (let k = 0; k < 3; k++) {
            const src = Math.min(k, t.c - 1) * t.h * t.w + Math.floor(y / t.scale) * t.w + Math.floor(x / t.scale);
            px[((top + y) * width + left + x) * 3 + k] = t.planes[src]!;
          }
      left += t.w * t.scale + gap;
    }
    top += heights[ri]!;
  });
  return encodePng(px, width, height, 3);
}

/** The first Conv2d's weights [out, in, kh, kw] as tiles: RGB filters for 3 input channels, otherwise one grey tile per (out, in) slice. */
function filterTiles(model: Model): Tile[][] {
  const conv = model.modules().find((m): m is nn.Conv2d => m instanceof nn.Conv2d);
  if (!conv) throw new Error("CNN pictures: the model has no nn.Conv2d");
  const [o, i, kh, kw] = conv.weight.shape as [number, number, number, number];
  const w = conv.weight.detach().dataSync();
  const scale = Math.max(4, Math.round(40 / kh));
  const each = i === 3 ? 1 : i, perRow = Math.max(1, Math.min(16, Math.floor(16 / each))) * each;
  const tiles: Tile[] = [];
  for (let f = 0; f < o; f++) {
    const block = w.subarray(f * i * kh * kw, (f + 1) * i * kh * kw);
    if (i === 3) tiles.push({ c: 3, h: kh, w: kw, planes: stretch(block), scale });
    else for (let c = 0; c < i; c++) tiles.push({ c: 1, h: kh, w: kw, planes: stretch(block.subarray(c * kh * kw, (c + 1) * kh * kw)), scale });
  }
  return Array.from({ length: Math.ceil(tiles.length / perRow) }, (_, r) => tiles.slice(r * perRow, (r + 1) * perRow));
}

/** The image, then the maps after each of the first three activations (ReLU) or residual blocks with 4-D output, 16 maps a row. */
function featureTiles(model: Model, x: Tensor): Tile[][] {
  const [, c, h, w] = x.shape as [number, number, number, number];
  const rows: Tile[][] = [[{ c, h, w, planes: stretch(x.dataSync()), scale: Math.max(2, Math.round(64 / h)) }]];
  const stages = model instanceof nn.Sequential ? [...model] : [model];
  let y = x;
  for (const m of stages) {
    y = (m as Model).forward(y);
    if (y.ndim !== 4 || !(m instanceof nn.ReLU || m instanceof nn.BasicBlock) || rows.length > 3) continue;
    const [, k, mh, mw] = y.shape as [number, number, number, number];
    const maps = y.dataSync();
    const tiles = Array.from({ length: k }, (_, j): Tile => ({ c: 1, h: mh, w: mw, planes: stretch(maps.subarray(j * mh * mw, (j + 1) * mh * mw)), scale: Math.max(1, Math.round(48 / mh)) }));
    for (let r = 0; r < k; r += 16) rows.push(tiles.slice(r, r + 16));
  }
  return rows;
}

/** Counts[true][predicted] over the test set, predicted by argmax of the model's outputs. */
export function confusionMatrix(model: Model, test: Samples, classes: number): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  model.eval();
  noGrad(() => {
    for (const [x, y] of new data.DataLoader(test, { batchSize: 1000 })) {
      const pred = model.forward(x).argmax(1).dataSync(), truth = y.dataSync();
      for (let i = 0; i < truth.length; i++) counts[Number(truth[i])]![Number(pred[i])]! += 1;
    }
  });
  return counts;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** An SVG heat map of counts (rows true, columns predicted), each cell shaded by its share of the row and labelled with its count. */
export function confusionSvg(title: string, counts: number[][], names: readonly string[]): string {
  const k = counts.length, cell = 40, left = 110, top = 50, bottom = 100;
  const total = counts.flat().reduce((a, b) => a + b, 0);
  const correct = counts.reduce((a, r, i) => a + r[i]!, 0);
  const cells = counts.flatMap((r, i) => {
    const row = r.reduce((a, b) => a + b, 0) || 1;
    return r.map((n, j) => {
      const [x, y] = [left + j * cell, top + i * cell];
      const fill = i === j ? "#1f77b4" : "#d62728";
      return `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" fill-opacity="${(n / row).toFixed(3)}" stroke="#ddd" data-true="${i}" data-pred="${j}" data-count="${n}"/>` +
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="11">${n}</text>`;
    });
  });
  const label = (j: number): string => esc(names[j] ?? String(j));
  const rowsText = counts.map((_, i) => `<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="11">${label(i)}</text>`);
  const colsText = counts.map((_, j) => {
    const [x, y] = [left + j * cell + cell / 2, top + k * cell + 8];
    return `<text x="${x}" y="${y}" transform="rotate(45 ${x} ${y})" font-size="11">${label(j)}</text>`;
  });
  const [w, h] = [left + k * cell + 20, top + k * cell + bottom];
  const acc = total ? ((correct / total) * 100).toFixed(2) : "0";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" data-total="${total}" data-correct="${correct}">` +
    `<rect width="100%" height="100%" fill="white"/><text x="10" y="18" font-size="13">${esc(title)}: ${correct} of ${total} right (${acc}%)</text>` +
    `<text x="10" y="36" font-size="11">rows: true class · columns: predicted</text>${cells.join("")}${rowsText.join("")}${colsText.join("")}</svg>\n`;
}

/**
 * Writes filters.png, feature-maps.png (the first test image) and confusion.svg into `out`; returns
 * the file names and a line naming the most confused pair of classes.
 */
export function cnnPictures(model: Model, out: string, ds: { test: Samples; classes?: readonly string[] }, title: string): { files: string[]; lines: string[] } {
  model.eval();
  writeFileSync(join(out, "filters.png"), mosaicPng(filterTiles(model)));
  const [x0] = ds.test.get(0);
  writeFileSync(join(out, "feature-maps.png"), mosaicPng(noGrad(() => featureTiles(model, x0.unsqueeze(0)))));
  const k = ds.classes?.length ?? noGrad(() => model.forward(x0.unsqueeze(0)).shape[1]!);
  const counts = confusionMatrix(model, ds.test, k);
  writeFileSync(join(out, "confusion.svg"), confusionSvg(title, counts, ds.classes ?? []));
  let worst = [0, 1, -1];
  counts.forEach((r, i) => r.forEach((n, j) => { if (i !== j && n > worst[2]!) worst = [i, j, n]; }));
  const name = (i: number): string => ds.classes?.[i] ?? String(i);
  return { files: [...CNN_PICTURES], lines: [`most confused: ${name(worst[0]!)} taken for ${name(worst[1]!)} ${worst[2]} times (confusion.svg)`] };
}
