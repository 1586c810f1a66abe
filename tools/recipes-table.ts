// The recipe results table: what tools/train-recipes.ts measures (docs/recipes.json) as the
// markdown that docs/recipes.md holds and tools/readme.ts quotes between <!-- recipes --> markers.
// The table accumulates: a run replaces the rows of the recipes it trained and keeps the others.

/** The machine a row was measured on. */
export interface Machine { cpu: string; cores: number; node: string; backend: string; platform: string }

/** One recipe trained fully with its defaults by tools/train-recipes.ts. */
export interface RecipeResult {
  recipe: string;
  /** The command that trained it, as a user would type it. */
  command: string;
  epochs: number;
  /** Test-set metrics from the run's history.json (loss, accuracy, or the recipe's own). */
  test: Record<string, number>;
  /** The recipe's own result lines (its report: MAE against a baseline, error rates, samples), when it prints any. */
  report?: string[];
  /** Wall-clock seconds of the whole command (data, training, test, pictures). */
  seconds: number;
  /** The exit status; a failed recipe is listed with its error rather than dropped. */
  ok: boolean;
  error?: string;
  /** When, where and by which `npm run recipes` command this row was measured (rows of one table may differ). */
  date: string;
  machine: Machine;
  run: string;
}

/** docs/recipes.json: every recipe measured so far, one row each. */
export interface RecipesTable { results: RecipeResult[] }

/** The single-run format docs/recipes.json had before the table accumulated. */
interface LegacyRun { date: string; machine: Machine; command: string; results: Omit<RecipeResult, "date" | "machine" | "run">[] }

/** Reads docs/recipes.json in either format; a legacy single run gives each of its rows that run's date, machine and command. */
export function readRecipesTable(json: unknown): RecipesTable {
  const j = json as Partial<LegacyRun> & Partial<RecipesTable>;
  if (!Array.isArray(j.results)) throw new Error("recipes table: docs/recipes.json has no results array");
  if (typeof j.command === "string" && j.machine && typeof j.date === "string") {
    const { date, machine, command } = j as LegacyRun;
    return { results: (j as LegacyRun).results.map((r) => ({ ...r, date, machine, run: command })) };
  }
  for (const r of j.results) {
    if (typeof r.date !== "string" || !r.machine || typeof r.run !== "string")
      throw new Error(`recipes table: row ${JSON.stringify(r.recipe)} lacks its date, machine or run command`);
  }
  return { results: j.results };
}

/**
 * The table after a run: the run's rows replace those of the same recipes (a failure replaces a
 * number too, since the number no longer holds), every other row stays with its own date and
 * command. Rows follow `order` (the recipe registry's order); recipes not in it come last, by name.
 */
export function mergeRecipes(table: RecipesTable, fresh: RecipeResult[], order: string[] = []): RecipesTable {
  const byName = new Map(table.results.map((r) => [r.recipe, r]));
  for (const r of fresh) byName.set(r.recipe, r);
  const rank = (name: string): number => { const i = order.indexOf(name); return i < 0 ? order.length : i; };
  const results = [...byName.values()].sort((a, b) => rank(a.recipe) - rank(b.recipe) || a.recipe.localeCompare(b.recipe));
  return { results };
}

/** The recipe's own result lines: what it prints after the test line and before the run folder's. */
export function reportLines(output: string): string[] {
  const lines = output.split("\n");
  const from = lines.findIndex((l) => l.startsWith("test loss ")), to = lines.findIndex((l) => l.startsWith("run saved to "));
  return from < 0 || to < from ? [] : lines.slice(from + 1, to).map((l) => l.trimEnd()).filter(Boolean);
}

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
/** Table cells hold one line with no pipes. */
const cell = (s: string): string => s.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");

/** The headline of a test record: accuracy when there is one, else the first other metric, else the loss. */
export function headline(test: Record<string, number>): string {
  if (test["accuracy"] !== undefined) return `${pct(test["accuracy"])} accuracy`;
  const [k, v] = Object.entries(test).find(([name]) => name !== "loss") ?? ["loss", test["loss"]];
  return v === undefined ? "–" : `${k} ${Number(v.toPrecision(4))}`;
}

/** The row's result cell: the headline, then the recipe's first report line (its own measure, e.g. MAE against a baseline); a line ending in ':' (a heading such as "sample at temperature 0.5:") brings the line after it. */
function resultCell(r: RecipeResult): string {
  if (!r.ok) return `failed: ${cell((r.error ?? "").split("\n")[0]!)}`;
  const lines = (r.report ?? []).filter((l) => l.trim());
  const first = lines[0]?.trimEnd().endsWith(":") && lines[1] ? `${lines[0].trimEnd()} ${lines[1].trim()}` : lines[0];
  const more = first ? ` · ${first.length > 160 ? `${first.slice(0, 157)}…` : first}` : "";
  return cell(headline(r.test) + more);
}

const runKey = (r: RecipeResult): string => JSON.stringify([r.run, r.date.slice(0, 10), r.machine]);

/** The markdown table (one row per recipe), each row pointing to the run that measured it, listed under the table. */
export function recipesMarkdown(table: RecipesTable): string {
  // runs numbered oldest first, so a re-run of some recipes adds a number rather than renumbering
  const keys = [...new Set([...table.results].sort((a, b) => a.date.localeCompare(b.date)).map(runKey))];
  const rows = table.results.map((r) =>
    `| \`${r.recipe}\` | ${resultCell(r)} | ${r.ok && r.test["loss"] !== undefined ? r.test["loss"].toFixed(4) : "–"} | ${r.epochs} | ${r.seconds.toFixed(1)} s | \`${r.command}\` | [${keys.indexOf(runKey(r)) + 1}] |`);
  const runs = keys.map((k, i) => {
    const r = table.results.find((x) => runKey(x) === k)!, m = r.machine;
    return `[${i + 1}] ${r.date.slice(0, 10)}, \`${r.run}\`, on ${m.cpu} (${m.cores} cores), ${m.platform}, Node ${m.node}, backend ${m.backend}.`;
  });
  return [
    "| recipe | test result | test loss | epochs | time | command | run |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "Each recipe with its defaults (seed 0). Time is the whole command: loading the data, training, the test and the pictures. Runs:",
    "",
    ...runs.flatMap((l) => [l, ""]).slice(0, -1),
  ].join("\n");
}

/** docs/recipes.md: a heading, how to regenerate, the table. */
export function recipesDocument(table: RecipesTable): string {
  return `# Recipe results\n\nEvery recipe trained fully with its defaults. \`npm run recipes -- --only a,b\` (tools/train-recipes.ts) trains those recipes and replaces their rows; \`npm run recipes -- --render\` rewrites this file from recipes.json without training.\n\n${recipesMarkdown(table)}\n`;
}
