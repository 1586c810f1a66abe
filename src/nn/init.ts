// nn.init: the initialisers of deck 001 and the rest of torch.nn.init, with PyTorch's semantics (fans,
// gains, bounds). Each one overwrites its tensor through assign() under noGrad and returns it, like
// torch's trailing-underscore in-place functions.

import { resolveArgs, type Args } from "../options.js";
import { noGrad } from "../autograd/grad-mode.js";
import { rand, randn } from "../ops/creation.js";
import { Tensor } from "../tensor.js";
import { defaultGenerator, type Generator } from "../random.js";
import { erf } from "../backend/scalar-math.js";
import { erfinvScalar } from "../composites/math-more.js";
import { fmtShape } from "../shape.js";

/** Nonlinearities calculateGain knows (torch's spellings; 'leakyRelu' is accepted too). */
export type Nonlinearity =
  | "linear" | "identity" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "leakyRelu" | "selu";

export type FanMode = "fanIn" | "fanOut" | "fan_in" | "fan_out";

/**
 * The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * √(2/(1 + slope²)) for leaky_relu (slope `param`, default 0.01), 3/4 for selu.
 * Matches torch.nn.init.calculate_gain.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear": case "identity": case "sigmoid":
    case "conv1d": case "conv2d": case "conv3d": case "conv_transpose1d": case "conv_transpose2d": case "conv_transpose3d":
      return 1;
    case "tanh": return 5 / 3;
    case "relu": return Math.SQRT2;
    case "leaky_relu": case "leakyRelu": {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new Error(`calculateGain: negative slope ${slope} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu": return 3 / 4;
    default: throw new Error(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * fanIn = shape[1]·receptive field, fanOut = shape[0]·receptive field, where the receptive field is
 * the product of shape[2:] (1 for a Linear weight [out, in]; k·k for a conv weight [out, in, k, k]).
 * Matches torch.nn.init._calculate_fan_in_and_fan_out.
 */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new Error(`init: fan in and fan out cannot be computed for a tensor with fewer than 2 dims, got ${fmtShape(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, s) => a * s, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

const fanOf = (t: Tensor, mode: FanMode): number => {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  if (mode === "fanIn" || mode === "fan_in") return fanIn;
  if (mode === "fanOut" || mode === "fan_out") return fanOut;
  throw new Error(`init: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
};

const fill = (t: Tensor, values: Tensor | number): Tensor => noGrad(() => t.assign(values));
const draw = (t: Tensor, kind: "uniform" | "normal", generator?: Generator): Tensor =>
  (kind === "uniform" ? rand : randn)(t.shape, { dtype: "float64", device: t.device, generator });

export interface RandomInit {
  generator?: Generator;
}

/** Fills with 0. Matches torch.nn.init.zeros_. */
export const zeros = (t: Tensor): Tensor => fill(t, 0);
/** Fills with 1. Matches torch.nn.init.ones_. */
export const ones = (t: Tensor): Tensor => fill(t, 1);
/** Fills with `val`. Matches torch.nn.init.constant_. */
export const constant = (t: Tensor, val: number): Tensor => fill(t, val);

/** Fills with U(a, b) (default U(0, 1)). Matches torch.nn.init.uniform_. */
export function uniform(t: Tensor, ...args: Args<[a: number, b: number], { a?: number; b?: number } & RandomInit>): Tensor {
  const { a, b, generator } = resolveArgs("init.uniform", args, ["a", "b"], { a: 0, b: 1, generator: undefined as Generator | undefined });
  if (!(a <= b)) throw new Error(`init.uniform: expected a ≤ b, got a=${a}, b=${b}`);
  return fill(t, draw(t, "uniform", generator).mul(b - a).add(a));
}

/** Fills with N(mean, std²) (default N(0, 1)). Matches torch.nn.init.normal_. */
export function normal(t: Tensor, ...args: Args<[mean: number, std: number], { mean?: number; std?: number } & RandomInit>): Tensor {
  const { mean, std, generator } = resolveArgs("init.normal", args, ["mean", "std"], { mean: 0, std: 1, generator: undefined as Generator | undefined });
  if (!(std >= 0)) throw new Error(`init.normal: std must be non-negative, got ${std}`);
  return fill(t, draw(t, "normal", generator).mul(std).add(mean));
}

/**
 * Glorot & Bengio (2010): U(−a, a) with a = gain·√(6/(fanIn + fanOut)).
 * Matches torch.nn.init.xavier_uniform_.
 */
export function xavierUniform(t: Tensor, ...args: Args<[gain: number], { gain?: number } & RandomInit>): Tensor {
  const { gain, generator } = resolveArgs("init.xavierUniform", args, ["gain"], { gain: 1, generator: undefined as Generator | undefined });
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, { a: -a, b: a, generator });
}

/** Glorot & Bengio (2010): N(0, std²) with std = gain·√(2/(fanIn + fanOut)). Matches torch.nn.init.xavier_normal_. */
export function xavierNormal(t: Tensor, ...args: Args<[gain: number], { gain?: number } & RandomInit>): Tensor {
  const { gain, generator } = resolveArgs("init.xavierNormal", args, ["gain"], { gain: 1, generator: undefined as Generator | undefined });
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal(t, { std: gain * Math.sqrt(2 / (fanIn + fanOut)), generator });
}

export interface KaimingOptions extends RandomInit {
  /** Negative slope of the leaky_relu that follows (used only with nonlinearity 'leaky_relu'). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

type KaimingDefaults = Required<Omit<KaimingOptions, "generator">> & RandomInit;
const KAIMING: KaimingDefaults = { a: 0, mode: "fanIn", nonlinearity: "leaky_relu", generator: undefined };

/**
 * He et al. (2015): U(−b, b) with b = gain·√(3/fan), gain = calculateGain(nonlinearity, a).
 * Defaults a = 0, mode 'fanIn', nonlinearity 'leaky_relu'. Matches torch.nn.init.kaiming_uniform_.
 */
export function kaimingUniform(t: Tensor, ...args: Args<[a: number, mode: FanMode, nonlinearity: Nonlinearity], KaimingOptions>): Tensor {
  const { a, mode, nonlinearity, generator } = resolveArgs<KaimingDefaults>("init.kaimingUniform", args, ["a", "mode", "nonlinearity"], KAIMING);
  const fan = fanOf(t, mode);
  const bound = fan === 0 ? 0 : calculateGain(nonlinearity, a) * Math.sqrt(3 / fan);
  return uniform(t, { a: -bound, b: bound, generator });
}

/** He et al. (2015): N(0, std²) with std = gain/√fan. Matches torch.nn.init.kaiming_normal_. */
export function kaimingNormal(t: Tensor, ...args: Args<[a: number, mode: FanMode, nonlinearity: Nonlinearity], KaimingOptions>): Tensor {
  const { a, mode, nonlinearity, generator } = resolveArgs<KaimingDefaults>("init.kaimingNormal", args, ["a", "mode", "nonlinearity"], KAIMING);
  const fan = fanOf(t, mode);
  return normal(t, { std: fan === 0 ? 0 : calculateGain(nonlinearity, a) / Math.sqrt(fan), generator });
}

/**
 * Saxe et al. (2013): a (semi-)orthogonal matrix times `gain`, from the QR decomposition of a
 * Gaussian matrix with R's diagonal made positive; dims after the first are flattened.
 * Matches torch.nn.init.orthogonal_.
 */
export function orthogonal(t: Tensor, ...args: Args<[gain: number], { gain?: number } & RandomInit>): Tensor {
  const { gain, generator } = resolveArgs("init.orthogonal", args, ["gain"], { gain: 1, generator: undefined as Generator | undefined });
  if (t.ndim < 2) throw new Error(`init.orthogonal: only tensors with 2 or more dims are supported, got ${fmtShape(t.shape)}`);
  if (t.numel === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.numel / rows;
  const g = draw(t, "normal", generator).dataSync();
  // QR of the tall matrix A [m, n] (m ≥ n): A itself when rows ≥ cols, else its transpose.
  const tall = rows >= cols;
  const m = tall ? rows : cols, n = tall ? cols : rows;
  const a = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[tall ? i * n + j : j * n + i] = g[i * cols + j]!;
  const q = householderQ(a, m, n);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * q[tall ? i * n + j : j * n + i]!;
  return fill(t, Tensor.fromArray(out, t.shape, t.backend, "float64"));
}

/**
 * The thin Q [m, n] of A = QR (m ≥ n) by Householder reflections, with columns signed so that R's
 * diagonal is positive (which makes Q unique and Haar-distributed for Gaussian A).
 */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const v = new Float64Array(m);
    const x0 = r[k * n + k]!;
    const alpha = x0 >= 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = r[i * n + k]!;
    v[k] = x0 - alpha;
    let vn = 0;
    for (let i = k; i < m; i++) vn += v[i]! ** 2;
    if (vn > 0) {
      for (let j = k; j < n; j++) {
        let s = 0;
        for (let i = k; i < m; i++) s += v[i]! * r[i * n + j]!;
        const f = (2 * s) / vn;
        for (let i = k; i < m; i++) r[i * n + j] = r[i * n + j]! - f * v[i]!;
      }
    }
    vs.push(v);
  }
  // Q = H₀H₁…H_{n−1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    let vn = 0;
    for (let i = k; i < m; i++) vn += v[i]! ** 2;
    if (vn === 0) continue;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i]! * q[i * n + j]!;
      const f = (2 * s) / vn;
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - f * v[i]!;
    }
  }
  for (let j = 0; j < n; j++) {
    if (r[j * n + j]! < 0) for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j]!;
  }
  return q;
}

/** The standard normal CDF Φ. */
const phi = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));

/**
 * N(mean, std²) truncated to [a, b] (absolute bounds, default [−2, 2]), drawn by the inverse CDF:
 * x = mean + std·Φ⁻¹(U(Φ(α), Φ(β))), α, β the bounds in std units, then clamped to [a, b].
 * Matches torch.nn.init.trunc_normal_ (ViT's and BERT's initialiser).
 */
export function truncNormal(t: Tensor, ...args: Args<[mean: number, std: number, a: number, b: number], { mean?: number; std?: number; a?: number; b?: number } & RandomInit>): Tensor {
  const { mean, std, a, b, generator } = resolveArgs("init.truncNormal", args, ["mean", "std", "a", "b"], { mean: 0, std: 1, a: -2, b: 2, generator: undefined as Generator | undefined });
  if (!(std > 0)) throw new Error(`init.truncNormal: std must be positive, got ${std}`);
  if (!(a < b)) throw new Error(`init.truncNormal: expected a < b, got a=${a}, b=${b}`);
  const [lo, hi] = [phi((a - mean) / std), phi((b - mean) / std)];
  if (!(hi > lo)) throw new Error(`init.truncNormal: [${a}, ${b}] has no probability under N(${mean}, ${std}²) in float64; bring mean nearer to it`);
  const u = draw(t, "uniform", generator).dataSync();
  // Φ⁻¹(p) = √2·erfinv(2p − 1), as torch's trunc_normal_ draws it
  const out = Float64Array.from(u, (v) => Math.min(b, Math.max(a, mean + std * Math.SQRT2 * erfinvScalar(2 * (lo + v * (hi - lo)) - 1))));
  return fill(t, Tensor.fromArray(out, t.shape, t.backend, "float64"));
}

/** The identity matrix (ones on the diagonal of a 2-D tensor, zeros elsewhere). Matches torch.nn.init.eye_. */
export function eye(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new Error(`init.eye: only 2-D tensors are supported, got ${fmtShape(t.shape)}`);
  const [n, m] = t.shape as [number, number];
  const out = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return fill(t, Tensor.fromArray(out, t.shape, t.backend, "float64"));
}

/**
 * The Dirac delta for convolution weights [out, in, k…] (3 to 5 dims): each of the first min(out/groups, in)
 * output channels of a group copies its input channel at the kernel's centre, so the convolution
 * passes its input through. Matches torch.nn.init.dirac_.
 */
export function dirac(t: Tensor, ...args: Args<[groups: number], { groups?: number }>): Tensor {
  const { groups } = resolveArgs("init.dirac", args, ["groups"], { groups: 1 });
  if (t.ndim < 3 || t.ndim > 5) throw new Error(`init.dirac: only tensors of 3, 4 or 5 dims are supported, got ${fmtShape(t.shape)}`);
  const [out, inp, ...k] = t.shape as number[];
  if (!Number.isInteger(groups) || groups < 1 || out! % groups !== 0) throw new Error(`init.dirac: the first dim (${out}) must be divisible by groups (${groups})`);
  const per = out! / groups, kn = k.reduce((x, y) => x * y, 1);
  const centre = k.reduce((at, size) => at * size + Math.floor(size / 2), 0);
  const vals = new Float64Array(t.numel);
  for (let g = 0; g < groups; g++) for (let d = 0; d < Math.min(per, inp!); d++) vals[((g * per + d) * inp! + d) * kn + centre] = 1;
  return fill(t, Tensor.fromArray(vals, t.shape, t.backend, "float64"));
}

/**
 * A sparse matrix (Martens, 2010): N(0, std²) entries with ⌈sparsity·rows⌉ of each column's set to
 * zero, chosen at random. Matches torch.nn.init.sparse_ (2-D only, as torch).
 */
export function sparse(t: Tensor, sparsity: number, ...args: Args<[std: number], { std?: number } & RandomInit>): Tensor {
  const { std, generator } = resolveArgs("init.sparse", args, ["std"], { std: 0.01, generator: undefined as Generator | undefined });
  if (t.ndim !== 2) throw new Error(`init.sparse: only 2-D tensors are supported, got ${fmtShape(t.shape)}`);
  if (!(sparsity >= 0 && sparsity <= 1)) throw new RangeError(`init.sparse: sparsity must be in [0, 1], got ${sparsity}`);
  const [rows, cols] = t.shape as [number, number];
  const vals = Float64Array.from(draw(t, "normal", generator).dataSync(), (v) => v * std);
  const zeros = Math.ceil(sparsity * rows);
  const g = generator ?? defaultGenerator;
  for (let c = 0; c < cols; c++) {
    // the first `zeros` rows of a random permutation (partial Fisher–Yates)
    const order = Array.from({ length: rows }, (_, i) => i);
    for (let i = 0; i < zeros; i++) {
      const j = i + g.integer(0, rows - i);
      [order[i], order[j]] = [order[j]!, order[i]!];
      vals[order[i]! * cols + c] = 0;
    }
  }
  return fill(t, Tensor.fromArray(vals, t.shape, t.backend, "float64"));
}
