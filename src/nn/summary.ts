// summary(model, inputShape): a table of layers, output shapes and parameter counts, found by
// running one forward pass on zeros (in eval mode, without gradients) and watching each module.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { zeros } from "../ops/creation.js";
import { resolveArgs } from "../options.js";
import { Tensor } from "../tensor.js";
import type { AnyModule } from "./module.js";

export interface SummaryOptions {
  /** dtype of the zero input (int32 for models that start with an Embedding). */
  dtype?: DType;
  /** Also print the table with console.log. */
  print?: boolean;
}

/** 13002 → "13,002". */
export const formatCount = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

const shapesOf = (out: unknown): string => {
  if (out instanceof Tensor) return `[${out.shape.join(", ")}]`;
  if (Array.isArray(out)) return `[${out.map(shapesOf).join(", ")}]`;
  return "--";
};

/**
 * Runs `model` once on zeros of `inputShape` (batch dim included, as torchinfo takes it) and
 * returns a table with each submodule's name, type, output shape and parameter count (its own and
 * its descendants'), then the total, trainable and non-trainable counts. The model's training
 * flags and buffers are left as they were.
 */
export function summary(model: AnyModule, inputShape: readonly number[], options: SummaryOptions = {}): string {
  const { dtype, print } = resolveArgs<Required<SummaryOptions>>("nn.summary", [options], [], { dtype: "float32", print: false });
  const rows: { name: string; depth: number; module: AnyModule }[] = [];
  const walk = (m: AnyModule, prefix: string, depth: number): void => {
    for (const [name, child] of m.namedChildren()) {
      rows.push({ name: prefix + name, depth, module: child });
      walk(child, `${prefix}${name}.`, depth + 1);
    }
  };
  walk(model, "", 0);
  if (rows.length === 0) rows.push({ name: "", depth: 0, module: model });

  const outputs = new Map<AnyModule, string>();
  const modes = model.modules().map((m) => [m, m.training] as const);
  const patched = model.modules().map((m) => {
    const slot = m as unknown as Record<string, unknown>;
    const own = Object.prototype.hasOwnProperty.call(slot, "forward");
    const original = slot.forward as (...args: unknown[]) => unknown;
    slot.forward = (...args: unknown[]): unknown => {
      const out = original.apply(m, args);
      outputs.set(m, shapesOf(out));
      return out;
    };
    return () => (own ? (slot.forward = original) : delete slot.forward);
  });
  try {
    model.eval();
    const x = zeros(inputShape, { dtype });
    noGrad(() => (model as unknown as { forward(x: Tensor): unknown }).forward(x));
  } finally {
    patched.forEach((restore) => restore());
    for (const [m, mode] of modes) m.training = mode;
  }

  const table = rows.map(({ name, depth, module }) => [
    `${"  ".repeat(depth)}${name ? `${name} ` : ""}(${module.constructor.name})`,
    outputs.get(module) ?? "--",
    formatCount(module.numParameters()),
  ]);
  const header = ["Layer (type)", "Output shape", "Param #"];
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((v, c) => (c === 2 ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join("   ").trimEnd();
  const rule = "=".repeat(widths.reduce((a, w) => a + w, 0) + 6);
  const total = model.numParameters();
  const trainable = model.numParameters({ trainableOnly: true });
  const text = [
    rule, line(header), rule, ...table.map(line), rule,
    `Total params: ${formatCount(total)}`,
    `Trainable params: ${formatCount(trainable)}`,
    `Non-trainable params: ${formatCount(total - trainable)}`,
    rule,
  ].join("\n");
  if (print) console.log(text);
  return text;
}
