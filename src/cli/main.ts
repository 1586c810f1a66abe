#!/usr/bin/env node
// The `myelin` command: train, eval, predict and summary over the named recipes, plus --help and --version.
// A thin shell over fit(); argument parsing is Node's util.parseArgs.

import { parseArgs } from "node:util";
import { suggestName } from "../options.js";
import { commands, type Command } from "./commands.js";
import { recipes } from "./recipes.js";
import { backendLine, useBackend, version } from "./shared.js";

const usage = (): string => `usage: myelin <command> [options]

Trains and runs small neural networks. A recipe is a ready-made training job (a data set, a model
and settings that train it well): 'myelin train' trains the default one, digits; 'myelin train
--help' describes them all (${Object.keys(recipes).join(", ")}).

commands:
${Object.values(commands)
  .map((c) => `  ${c.usage.split("\n")[0]!.padEnd(44)} ${c.summary}`)
  .join("\n")}

backend: ${backendLine()}
  (--backend or MYELIN_BACKEND=cpu|wasm chooses; MYELIN_THREADS=N sets the wasm threads)

Run 'myelin <command> --help' for the options of one command, 'myelin --version' for the version.`;

/** "unknown option '--batch_size' (did you mean '--batch-size'?)" for the first option the command lacks. */
function unknownOption(args: string[], known: string[]): string | undefined {
  for (const arg of args) {
    if (arg === "--") break;
    if (!arg.startsWith("--")) continue;
    const given = arg.slice(2).split("=")[0]!;
    if (given === "help" || known.includes(given)) continue;
    const hint = suggestName(given.replace(/_/g, "-"), known);
    return `unknown option '--${given}'${hint ? ` (did you mean '--${hint}'?)` : ""}`;
  }
  return undefined;
}

/** A usage's option list only (train's recipe descriptions would push the error off the screen). */
function optionsPart(usage: string, name: string): string {
  const lines = usage.split("\n");
  const first = lines.findIndex((l) => /^ {2}--/.test(l));
  return first < 0 ? usage : [lines[0], ...lines.slice(first), `(run 'myelin ${name} --help' for the whole description)`].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return 0;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    console.log(`myelin ${version()}`);
    return 0;
  }
  const cmd: Command | undefined = commands[name];
  if (!cmd) {
    console.error(`myelin: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...cmd.options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (e) {
    console.error(`myelin ${name}: ${unknownOption(rest, Object.keys(cmd.options)) ?? (e as Error).message}\n\n${optionsPart(cmd.usage, name)}`);
    return 2;
  }
  if (parsed.values.help) {
    useBackend(parsed.values); // so that the help names the backend these options choose
    console.log(cmd.usage);
    return 0;
  }
  await cmd.run(parsed.values, parsed.positionals);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`myelin: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.MYELIN_DEBUG && e instanceof Error) console.error(e.stack);
    process.exit(1);
  },
);
