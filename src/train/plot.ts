// Training curves as SVG, drawn by Vega-Lite (a real plotting library, headless in Node and the
// browser alike): one panel for losses, one for every other metric, train and validation overlaid.

import type { History } from "./fit.js";

interface Row {
  epoch: number;
  value: number;
  series: string;
  panel: string;
}

function rows(h: History): Row[] {
  const out: Row[] = [];
  for (const [key, values] of Object.entries(h.history)) {
    const base = key.replace(/^val_/, "");
    values.forEach((value, i) => {
      if (Number.isFinite(value))
        out.push({ epoch: (h.epoch[i] ?? i) + 1, value, series: key.startsWith("val_") ? "validation" : "train", panel: base });
    });
  }
  return out;
}

/** A Vega-Lite spec of the history (exposed so the playground can render it live with vega-embed). */
export function historySpec(h: History, title = "training history"): Record<string, unknown> {
  const panels = [...new Set(rows(h).map((r) => r.panel))];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    data: { values: rows(h) },
    columns: Math.min(panels.length, 2),
    facet: { field: "panel", type: "nominal", title: null, sort: panels },
    spec: {
      width: 320,
      height: 200,
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
        color: { field: "series", type: "nominal", title: null },
      },
    },
    resolve: { scale: { y: "independent" } },
  };
}

/** Renders the history as an SVG document string. */
export async function plotHistory(h: History, title?: string): Promise<string> {
  if (h.epoch.length === 0) throw new Error("plotHistory: the history is empty; train for at least one epoch first");
  return renderSvg(historySpec(h, title));
}

/** Renders any Vega-Lite spec as an SVG document string, headless (vega's renderer "none"). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
