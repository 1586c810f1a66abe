// The terminal progress bar for fit()'s Progress callback (Node only: cli-progress needs readline):
// new Progress({ barFactory: cliProgressBar }). Exported from myelin/node, never from the main entry.

import cliProgress from "cli-progress";
import type { BarLike } from "./progress.js";

/** A cli-progress bar showing epoch, steps, elapsed time, ETA, samples/s and the running logs. */
export function cliProgressBar(): BarLike {
  return new cliProgress.SingleBar(
    { format: "{epoch} |{bar}| {value}/{total} [{elapsed}<{eta_formatted}, {rate}] {logs}", barsize: 24, hideCursor: true, clearOnComplete: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
}
