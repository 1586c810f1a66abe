// CSV parsing (RFC 4180: quoted fields, doubled quotes, CRLF) into feature and label tensors.
// Platform-neutral: it takes text; reading a file is myelin/node's loadCsv.

import { checkOptionNames } from "../options.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { TensorDataset } from "./dataset.js";

export interface CsvOptions {
  /** The first row names the columns (default true). */
  header?: boolean;
  /** Field separator (default ","). */
  delimiter?: string;
  /** The label column, by name or index (negative counts from the end); none when omitted. */
  labelColumn?: string | number;
  /**
   * How labels become numbers: "class" maps each distinct value to an int32 class index (numbers
   * in numeric order, strings in order of first appearance unless they are numeric), "float"
   * keeps numeric values as float32 (regression). Default "class".
   */
  labelType?: "class" | "float";
  /** Columns to leave out of the features, by name or index. */
  ignoreColumns?: readonly (string | number)[];
}

export interface CsvData {
  /** Names of the feature columns (from the header, or "0", "1", … without one). */
  columns: string[];
  /** float32 [rows, features] */
  features: Tensor;
  /** int32 class indices or float32 values [rows], or null without a label column. */
  labels: Tensor | null;
  /** The original label value of each class index (labelType "class"), else null. */
  classes: string[] | null;
  /** features and labels (when present) as a TensorDataset. */
  dataset: TensorDataset;
}

/** Splits CSV text into rows of string fields. */
export function parseCsvRows(text: string, delimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = "";
    }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      if (!(row.length === 1 && row[0] === "")) rows.push(row); // skip blank lines
      row = [];
      field = "";
      line++;
    } else field += c;
  }
  if (quoted) throw new Error(`parseCsv: unterminated quoted field (opened before line ${line})`);
  row.push(field);
  if (!(row.length === 1 && row[0] === "")) rows.push(row);
  return rows;
}

/**
 * Parses CSV text into float32 features and (optionally) labels. Every feature must be a number;
 * a field that is not names its row and column in the error.
 * @example const { dataset } = parseCsv("x1,x2,y\n0,0,0\n0,1,1\n", { labelColumn: "y" });
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvData {
  checkOptionNames("data.parseCsv", options, ["header", "delimiter", "labelColumn", "labelType", "ignoreColumns"]);
  const { header = true, delimiter = ",", labelColumn, labelType = "class", ignoreColumns = [] } = options;
  const rows = parseCsvRows(text, delimiter);
  const names = header ? (rows.shift() ?? []).map((s) => s.trim()) : (rows[0] ?? []).map((_, i) => String(i));
  const width = names.length;
  if (rows.length === 0) throw new Error("parseCsv: no data rows");
  rows.forEach((r, i) => {
    if (r.length !== width) throw new Error(`parseCsv: row ${i + 1 + (header ? 1 : 0)} has ${r.length} fields, expected ${width}`);
  });
  const col = (c: string | number): number => {
    const k = typeof c === "number" ? (c < 0 ? c + width : c) : names.indexOf(c);
    if (k < 0 || k >= width || !Number.isInteger(k)) throw new Error(`parseCsv: no column ${JSON.stringify(c)} (columns: ${names.join(", ")})`);
    return k;
  };
  const label = labelColumn === undefined ? -1 : col(labelColumn);
  const skip = new Set(ignoreColumns.map(col));
  const featureCols = names.map((_, k) => k).filter((k) => k !== label && !skip.has(k));
  const x = new Float32Array(rows.length * featureCols.length);
  rows.forEach((r, i) =>
    featureCols.forEach((k, j) => {
      const s = r[k]!.trim();
      const v = Number(s);
      if (s === "" || Number.isNaN(v) && s.toLowerCase() !== "nan")
        throw new Error(`parseCsv: row ${i + 1 + (header ? 1 : 0)}, column "${names[k]}": ${JSON.stringify(r[k])} is not a number`);
      x[i * featureCols.length + j] = v;
    }),
  );
  const features = tensor(x, { shape: [rows.length, featureCols.length] });
  let labels: Tensor | null = null;
  let classes: string[] | null = null;
  if (label >= 0) {
    const raw = rows.map((r) => r[label]!.trim());
    if (labelType === "float") {
      labels = tensor(Float32Array.from(raw, (s, i) => {
        const v = Number(s);
        if (s === "" || Number.isNaN(v)) throw new Error(`parseCsv: row ${i + 1 + (header ? 1 : 0)}, label "${names[label]}": ${JSON.stringify(s)} is not a number`);
        return v;
      }));
    } else {
      const distinct = [...new Set(raw)];
      if (distinct.every((s) => s !== "" && !Number.isNaN(Number(s)))) distinct.sort((a, b) => Number(a) - Number(b));
      classes = distinct;
      const index = new Map(distinct.map((s, i) => [s, i]));
      labels = tensor(Int32Array.from(raw, (s) => index.get(s)!));
    }
  }
  const dataset = new TensorDataset<Tensor[]>(...(labels ? [features, labels] : [features]));
  return { columns: featureCols.map((k) => names[k]!), features, labels, classes, dataset };
}
