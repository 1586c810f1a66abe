// einsum: Einstein summation over single-letter subscripts, lowered to the core's movement ops,
// sums and batched matmul (one GEMM per pair of operands, contracted left to right).

import { Tensor } from "../tensor.js";
import { fmtShape } from "../shape.js";
import { compare } from "../ops/elementwise.js";
import { matmul } from "../ops/linalg.js";

/** A tensor whose dims are labelled by subscript letters (one letter per dim, no repeats). */
interface Labelled {
  t: Tensor;
  labels: string[];
}

const LETTER = /^[A-Za-z]$/;

function parse(equation: string, count: number): { inputs: string[][]; output: string[] } {
  const eq = equation.replace(/\s+/g, "");
  if (eq.includes(".")) throw new Error(`einsum: ellipsis ('...') is not supported, in '${equation}'; write every dim's subscript`);
  const [lhs, rhs, extra] = eq.split("->");
  if (extra !== undefined) throw new Error(`einsum: '${equation}' has more than one '->'`);
  const inputs = lhs!.split(",").map((term) => [...term]);
  for (const term of [...inputs, ...(rhs === undefined ? [] : [[...rhs]])])
    for (const c of term) if (!LETTER.test(c)) throw new Error(`einsum: invalid subscript '${c}' in '${equation}' (letters a-z, A-Z only)`);
  if (inputs.length !== count) throw new Error(`einsum: '${equation}' names ${inputs.length} operand(s) but ${count} were given`);
  // implicit output: the letters used exactly once, in alphabetical order (uppercase first), as torch
  const seen = inputs.flat();
  const output = rhs === undefined ? [...new Set(seen)].filter((c) => seen.indexOf(c) === seen.lastIndexOf(c)).sort() : [...rhs];
  if (new Set(output).size !== output.length) throw new Error(`einsum: output subscripts '${rhs}' repeat a letter`);
  for (const c of output) if (!seen.includes(c)) throw new Error(`einsum: output subscript '${c}' does not appear in any input of '${equation}'`);
  return { inputs, output };
}

/** The size of each letter over all operands; size-1 dims broadcast, as in torch. */
function letterSizes(equation: string, inputs: string[][], tensors: readonly Tensor[]): Map<string, number> {
  const sizes = new Map<string, number>();
  inputs.forEach((term, i) => {
    const t = tensors[i]!;
    if (term.length !== t.ndim)
      throw new Error(`einsum: operand ${i} has shape ${fmtShape(t.shape)} (${t.ndim} dims) but '${term.join("")}' names ${term.length} in '${equation}'`);
    term.forEach((c, d) => {
      const s = t.shape[d]!, prev = sizes.get(c);
      if (prev === undefined || prev === 1) sizes.set(c, s);
      else if (s !== 1 && s !== prev) throw new Error(`einsum: subscript '${c}' has size ${s} in operand ${i} but ${prev} elsewhere in '${equation}'`);
    });
  });
  return sizes;
}

/** Takes the diagonal over repeated letters of one operand ('ii' → 'i'), by masking and summing. */
function diagonalize(x: Labelled): Labelled {
  let { t, labels } = x;
  for (let d2 = labels.length - 1; d2 >= 0; d2--) {
    const d1 = labels.indexOf(labels[d2]!);
    if (d1 === d2) continue;
    const n = t.shape[d1]!;
    if (t.shape[d2] !== n) throw new Error(`einsum: repeated subscript '${labels[d1]}' spans dims of sizes ${t.shape[d1]} and ${t.shape[d2]}`);
    const at = (d: number): Tensor =>
      Tensor.fromArray(Int32Array.from({ length: n }, (_, i) => i), t.shape.map((s, k) => (k === d ? n : 1)), t.backend, "int32");
    t = t.mul(compare("eq", at(d1), at(d2))).sum(d2);
    labels = labels.filter((_, k) => k !== d2);
  }
  return { t, labels };
}

/** Sums away the letters not in `keep`, and broadcasts size-1 dims to the letters' sizes. */
function reduceTo(x: Labelled, keep: Set<string>, sizes: Map<string, number>): Labelled {
  const drop = x.labels.flatMap((c, d) => (keep.has(c) ? [] : [d]));
  const t = drop.length ? x.t.sum(drop) : x.t;
  const labels = x.labels.filter((c) => keep.has(c));
  const target = labels.map((c) => sizes.get(c)!);
  return { t: target.some((s, d) => s !== t.shape[d]) ? t.expand(target) : t, labels };
}

const sizeOf = (sizes: Map<string, number>, letters: string[]): number => letters.reduce((a, c) => a * sizes.get(c)!, 1);

/** Contracts two labelled operands with one batched matmul: [batch, aOnly, k] @ [batch, k, bOnly]. */
function contract(a: Labelled, b: Labelled, keep: Set<string>, sizes: Map<string, number>): Labelled {
  const shared = a.labels.filter((c) => b.labels.includes(c));
  const batch = shared.filter((c) => keep.has(c));
  const summed = shared.filter((c) => !keep.has(c));
  const aOnly = a.labels.filter((c) => !shared.includes(c));
  const bOnly = b.labels.filter((c) => !shared.includes(c));
  const order = (x: Labelled, letters: string[]): Tensor => x.t.permute(letters.map((c) => x.labels.indexOf(c)));
  const [nb, m, k, n] = [batch, aOnly, summed, bOnly].map((l) => sizeOf(sizes, l)) as [number, number, number, number];
  const left = order(a, [...batch, ...aOnly, ...summed]).reshape(nb, m, k);
  const right = order(b, [...batch, ...summed, ...bOnly]).reshape(nb, k, n);
  const labels = [...batch, ...aOnly, ...bOnly];
  return { t: matmul(left, right).reshape(labels.map((c) => sizes.get(c)!)), labels };
}

/**
 * Einstein summation: `einsum("ij,jk->ik", a, b)` is a matrix product, `"ii->i"` a diagonal,
 * `"bij,bjk->bik"` a batched product, `"i,j->ij"` an outer product, `"ij->"` a total sum. Subscripts
 * are single letters; a letter repeated across operands is multiplied along, and one missing from
 * the output is summed. Without '->' the output is the letters used once, sorted. Size-1 dims
 * broadcast. Ellipsis ('...') is not supported. Matches torch.einsum for these forms.
 */
export function einsum(equation: string, ...operands: Tensor[] | [readonly Tensor[]]): Tensor {
  const tensors = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as readonly Tensor[];
  if (tensors.length === 0) throw new Error("einsum: needs at least one operand");
  const { inputs, output } = parse(equation, tensors.length);
  const sizes = letterSizes(equation, inputs, tensors);
  const needed = (from: number): Set<string> => new Set([...output, ...inputs.slice(from).flat()]);
  let acc = reduceTo(diagonalize({ t: tensors[0]!, labels: inputs[0]! }), needed(1), sizes);
  for (let i = 1; i < tensors.length; i++) {
    const keep = needed(i + 1);
    const next = reduceTo(diagonalize({ t: tensors[i]!, labels: inputs[i]! }), new Set([...keep, ...acc.labels]), sizes);
    acc = reduceTo(acc, new Set([...keep, ...next.labels]), sizes);
    acc = contract(acc, next, keep, sizes);
  }
  const done = reduceTo(acc, new Set(output), sizes);
  return done.t.permute(output.map((c) => done.labels.indexOf(c)));
}
