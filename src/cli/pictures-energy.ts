// Pictures for the course-network recipes (recipes-energy.ts, recipes-boltzmann.ts): heat-map panels as PNG, a graph drawn
// with a seeded spring layout and coloured by class, and the path task's Q-table with its greedy path.

import { Generator } from "../index.js";
import { encodePng } from "./images.js";

/** A panel of values [rows, cols] (row-major), scaled to [0, 1] by its own min and max. */
export interface Panel {
  values: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** Panels stacked top to bottom with 2-pixel grey gaps, each scaled to [0, 1] on its own, pixels `scale`× enlarged. */
export function panelsPng(panels: Panel[], scale = 8): Buffer {
  const width = Math.max(...panels.map((p) => p.cols)) * scale;
  const height = panels.reduce((h, p) => h + p.rows * scale + 2 * scale, 0);
  const out = new Float32Array(width * height).fill(0.5);
  let top = scale;
  for (const p of panels) {
    const vals = Array.from(p.values);
    const lo = Math.min(...vals), hi = Math.max(...vals);
    for (let y = 0; y < p.rows * scale; y++)
      for (let x = 0; x < p.cols * scale; x++) out[(top + y) * width + x] = (vals[Math.floor(y / scale) * p.cols + Math.floor(x / scale)]! - lo) / (hi - lo || 1);
    top += p.rows * scale + 2 * scale;
  }
  return encodePng(out, width, height);
}

/** Each row of `rows` (flat, `size` values each) rescaled to [0, 1] by its own min and max (filters as images). */
export function normaliseRows(rows: ArrayLike<number>, size: number): Float32Array {
  const out = new Float32Array(rows.length);
  for (let r = 0; r < rows.length / size; r++) {
    const row = Array.from(rows).slice(r * size, (r + 1) * size);
    const lo = Math.min(...row), hi = Math.max(...row);
    row.forEach((v, i) => (out[r * size + i] = (v - lo) / (hi - lo || 1)));
  }
  return out;
}

/**
 * Node positions by the force-directed layout of T. Fruchterman and E. Reingold (Software: Practice
 * and Experience 21, 1991): repulsion k²/d between all pairs, attraction d²/k along edges, a cooling
 * step; seeded, so the same graph is drawn the same way every time. Positions in [0, 1]².
 */
export function springLayout(n: number, edges: readonly (readonly [number, number])[], { iterations = 200, seed = 0 } = {}): [number, number][] {
  const g = new Generator(seed);
  const pos = Array.from({ length: n }, () => [g.random(), g.random()] as [number, number]);
  const k = Math.sqrt(1 / n);
  for (let it = 0; it < iterations; it++) {
    const disp = pos.map(() => [0, 0] as [number, number]);
    const push = (i: number, j: number, f: (d: number) => number): void => {
      const dx = pos[i]![0] - pos[j]![0], dy = pos[i]![1] - pos[j]![1];
      const d = Math.max(1e-4, Math.hypot(dx, dy));
      const m = f(d) / d;
      disp[i]![0] += dx * m; disp[i]![1] += dy * m;
      disp[j]![0] -= dx * m; disp[j]![1] -= dy * m;
    };
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) push(i, j, (d) => (k * k) / d);
    for (const [a, b] of edges) push(a, b, (d) => -(d * d) / k);
    const t = 0.1 * (1 - it / iterations);
    pos.forEach((p, i) => {
      const [dx, dy] = disp[i]!;
      const d = Math.max(1e-9, Math.hypot(dx, dy));
      p[0] += (dx / d) * Math.min(d, t);
      p[1] += (dy / d) * Math.min(d, t);
    });
  }
  const xs = pos.map((p) => p[0]), ys = pos.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return pos.map(([x, y]) => [(x - x0) / (x1 - x0 || 1), (y - y0) / (y1 - y0 || 1)]);
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** An SVG of a graph: edges in grey, node i filled with colors[i] and ringed red where marked[i]; numbered. */
export function graphSvg(title: string, pos: [number, number][], edges: readonly (readonly [number, number])[], colors: string[], marked: boolean[] = [], legend: [string, string][] = []): string {
  const W = 520;
  const px = (p: [number, number]): [number, number] => [30 + p[0] * (W - 60), 60 + p[1] * (W - 90)];
  const lines = edges.map(([a, b]) => {
    const [x1, y1] = px(pos[a]!), [x2, y2] = px(pos[b]!);
    return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}"/>`;
  });
  const nodes = pos.map((p, i) => {
    const [x, y] = px(p);
    const ring = marked[i] ? ` stroke="#d62728" stroke-width="3"` : ` stroke="#333"`;
    return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="9" fill="${colors[i]}"${ring}/><text x="${x.toFixed(1)}" y="${(y + 3.5).toFixed(1)}" text-anchor="middle" font-size="9">${i}</text>`;
  });
  const keys = legend.map(([name, color], i) => `<text x="${20 + i * 170}" y="38" fill="${color}" font-size="12">● ${esc(name)}</text>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${W}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="20" y="18" font-size="13">${esc(title)}</text>${keys}<g stroke="#bbb">${lines.join("")}</g>${nodes.join("")}</svg>\n`;
}

/**
 * An SVG table of a grid task's Q-values: one cell per state (`rows` × `cols`, named by `cellName`),
 * the four values ↑ ↓ → ← written at its edges, the greedy action's arrow in the middle, and the
 * cells on `path` shaded.
 */
export function qTableSvg(title: string, q: ArrayLike<number>, rows: number, cols: number, cellName: (s: number) => string, path: number[]): string {
  const C = 110, top = 40;
  const arrows = ["↑", "↓", "→", "←"];
  const cells: string[] = [];
  for (let s = 0; s < rows * cols; s++) {
    const x = (s % cols) * C + 10, y = Math.floor(s / cols) * C + top;
    const v = [0, 1, 2, 3].map((a) => q[s * 4 + a]!);
    const best = v.indexOf(Math.max(...v));
    const fill = path.includes(s) ? "#ffe9a8" : "white";
    cells.push(
      `<rect x="${x}" y="${y}" width="${C}" height="${C}" fill="${fill}" stroke="#333"/>` +
        `<text x="${x + 4}" y="${y + C - 26}" font-size="9" fill="#666">${esc(cellName(s))}</text>` +
        `<text x="${x + C / 2}" y="${y + 12}" font-size="10" text-anchor="middle">${v[0]!.toFixed(1)}</text>` +
        `<text x="${x + C / 2}" y="${y + C - 4}" font-size="10" text-anchor="middle">${v[1]!.toFixed(1)}</text>` +
        `<text x="${x + C - 3}" y="${y + C / 2 + 4}" font-size="10" text-anchor="end">${v[2]!.toFixed(1)}</text>` +
        `<text x="${x + 3}" y="${y + C / 2 + 4}" font-size="10">${v[3]!.toFixed(1)}</text>` +
        `<text x="${x + C / 2}" y="${y + C / 2 + 8}" font-size="24" text-anchor="middle" fill="#1f77b4">${arrows[best]}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${cols * C + 20}" height="${rows * C + top + 10}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="10" y="22" font-size="13">${esc(title)}</text>${cells.join("")}</svg>\n`;
}
