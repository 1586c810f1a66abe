// The recipe results table: what tools/train-recipes.ts measures (docs/recipes.json) as the
// markdown that docs/recipes.md holds and tools/readme.ts quotes between <!-- recipes --> markers.

/** One recipe trained fully with its defaults by tools/train-recipes.ts. */
export interface RecipeResult {
  recipe: string;
  /** The command that trained it, as a user would type it. */
  command: string;
  epochs: number;
  /** Test-set metrics from the run's history.json (loss, accuracy, or the recipe's own). */
  test: Record<string, number>;
  /** Wall-clock seconds of the whole command (data, training, test, pictures). */
  seconds: number;
  /** The exit status; a failed recipe is listed with its error rather than dropped. */
  ok: boolean;
  error?: string;
}

export interface RecipeRun {
  date: string;
  machine: { cpu: string; cores: number; node: string; backend: string; platform: string };
  /** The command that produced the whole table. */
  command: string;
  results: RecipeResult[];
}

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

/** The headline of a test record: accuracy when there is one, else the first other metric, else the loss. */
export function headline(test: Record<string, number>): string {
  if (test["accuracy"] !== undefined) return `${pct(test["accuracy"])} accuracy`;
  const [k, v] = Object.entries(test).find(([name]) => name !== "loss") ?? ["loss", test["loss"]];
  return v === undefined ? "–" : `${k} ${Number(v.toPrecision(4))}`;
}

/** The markdown table (one row per recipe) with the machine and the command under it. */
export function recipesMarkdown(run: RecipeRun): string {
  const rows = run.results.map((r) =>
    `| \`${r.recipe}\` | ${r.ok ? headline(r.test) : `failed: ${(r.error ?? "").split("\n")[0]}`} | ${r.ok && r.test["loss"] !== undefined ? r.test["loss"].toFixed(4) : "–"} | ${r.epochs} | ${r.seconds.toFixed(1)} s | \`${r.command}\` |`);
  const m = run.machine;
  return [
    "| recipe | test result | test loss | epochs | time | command |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    `Measured ${run.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores), ${m.platform}, Node ${m.node}, backend ${m.backend}, each recipe with its defaults ` +
      `(seed 0), by \`${run.command}\`. Time is the whole command: loading the data, training, the test and the pictures.`,
  ].join("\n");
}
