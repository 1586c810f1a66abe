#!/usr/bin/env node
// The `myelin` command: train, eval, predict, summary and bench over the named recipes.
// A thin shell over fit(); argument parsing is Node's util.parseArgs.

import { parseArgs } from "node:util";
import { commands, type Command } from "./commands.js";

const USAGE = `usage: myelin <command> [options]

commands:
${Object.values(commands)
  .map((c) => `  ${c.usage.split("\n")[0]!.padEnd(44)} ${c.summary}`)
  .join("\n")}

Run 'myelin <command> --help' for the options of one command.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return 0;
  }
  const cmd: Command | undefined = commands[name];
  if (!cmd) {
    console.error(`myelin: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...cmd.options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (e) {
    console.error(`myelin ${name}: ${(e as Error).message}\n\n${cmd.usage}`);
    return 2;
  }
  if (parsed.values.help) {
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
