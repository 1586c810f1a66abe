// The public API: import { tensor, randn, noGrad, … } from "myelin".

export { Tensor } from "./tensor.js";
export type { DType, TypedArray } from "./dtype.js";
export type { Backend, Storage, View } from "./backend/backend.js";
export { CpuBackend } from "./backend/cpu.js";
export { getBackend, setBackend, registerBackend, listBackends, backendByName } from "./backend/registry.js";
export { createWasmBackend, WasmBackend, type WasmBackendOptions } from "./backend/wasm/wasm-backend.js";
import { initDefaultBackend } from "./backend/default.js";
import "./composites/hooks.js"; // Tensor.registerHook, Tensor.registerPostAccumulateGradHook

await initDefaultBackend();
export { Generator, manualSeed, defaultGenerator } from "./random.js";
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "./autograd/grad-mode.js";
export { grad, type GradOptions } from "./autograd/grad.js";
export { stepScope } from "./scope.js";
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, randperm, randLike, randnLike, randintLike, type CreateOptions, type RandomOptions, type NestedArray,
} from "./ops/creation.js";
export { add, sub, mul, pow, maximum, minimum, clamp, relu, sigmoid, cast, type AlphaOptions } from "./ops/elementwise.js";
export { whereOrIndices as where, tril, triu, maskedFill, maskedSelect, nonzero, all, any, nanToNum, cumsum, cumprod, type NanToNumOptions } from "./composites/selection.js";
export { div, floorDivide, remainder, fmod, type DivOptions } from "./composites/division.js";
export { sort, argsort, topk, type SortOptions, type TopkOptions } from "./ops/sorting.js";
export { einsum } from "./composites/einsum.js";
export * as autograd from "./composites/autograd.js";
export { multinomial, type MultinomialOptions } from "./composites/sampling.js";
export {
  asin, acos, atan, atan2, sinh, cosh, asinh, acosh, atanh, log2, log10, exp2, trunc, fix, frac, sgn, signbit, hypot, logaddexp, logaddexp2, lerp, xlogy, sinc,
  deg2rad, rad2deg, erfc, logit, isclose, fmax, fmin, heaviside, floatPower, ldexp, copysign, nextafter, clip, trueDivide, isposinf, isneginf, isin,
  type LogitOptions, type IscloseOptions, type IsinOptions,
} from "./composites/math.js";
export {
  broadcastTo, broadcastTensors, tile, roll, rot90, movedim, moveaxis, swapaxes, swapdims, ravel, unflatten, atleast1d, atleast2d, atleast3d, hstack, vstack, rowStack,
  dstack, columnStack, tensorSplit, hsplit, vsplit, dsplit, fliplr, flipud, diag, diagonal, diagEmbed, diagflat, trace, trilIndices, triuIndices, meshgrid,
  cartesianProd, combinations, blockDiag, repeatInterleave, type Rot90Options, type IndicesOptions, type MeshgridOptions, type CombinationsOptions, type RepeatInterleaveOptions,
} from "./composites/shape.js";
export {
  take, takeAlongDim, indexAdd, indexCopy, indexFill, scatter, scatterReduce, type IndexAddOptions, type ScatterOptions, type ScatterReduce, type ScatterReduceOptions,
} from "./composites/indexing-more.js";
export {
  select, selectScatter, sliceScatter, diagonalScatter, argwhere, put, maskedScatter, type PutOptions, type SliceScatterOptions,
} from "./composites/indexing-extra.js";
export {
  neg, negative, exp, log, log1p, expm1, sqrt, rsqrt, reciprocal, square, abs, absolute, sign, sin, cos, tan, tanh, erf, floor, ceil, isnan, isinf, isfinite,
  eq, ne, lt, le, gt, ge, greater, greaterEqual, less, lessEqual, notEqual, logicalAnd, logicalOr, logicalNot, logicalXor, multiply, subtract, divide,
} from "./composites/math-basic.js";
export {
  round, erfinv, lgamma, digamma, bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseNot, bitwiseLeftShift, bitwiseRightShift, gcd, lcm, type RoundOptions,
} from "./composites/math-more.js";
export { setNumThreads, getNumThreads } from "./backend/threads.js";
export { cat, stack, split, chunk, unbind, reshape, permute, transpose, expand, squeeze, unsqueeze, flatten, narrow, flip } from "./ops/movement.js";
export { pad, type PadMode, type PadOptions } from "./nn/functional/pad.js"; // torch's F.pad order (mode, value); a number third is the value
export { sum, mean, prod, amax, amin, variance, std, logsumexp, softmax, logSoftmax, norm } from "./ops/reduce.js";
export { gather, scatterAdd, indexSelect, oneHot } from "./ops/indexing.js";
export { matmul, mm, bmm, dot } from "./ops/linalg.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export { F, init } from "./nn/index.js";
export * as data from "./data/index.js";
export * as io from "./io/index.js";
export * from "./train/index.js";
export * as models from "./models/index.js";
export { median, nanmedian, kthvalue, mode, quantile, nanquantile, nansum, nanmean, varMean, stdMean, aminmax, countNonzero, cov, corrcoef, type DimKeepOptions, type QuantileOptions, type QuantileInterpolation, type CovOptions } from "./composites/stats.js";
export { cummax, cummin, logcumsumexp, diff, trapezoid, trapz, cumulativeTrapezoid, type DiffOptions, type TrapezoidOptions } from "./composites/scans.js";
export { histc, bincount, searchsorted, bucketize, unique, uniqueConsecutive, type HistcOptions, type BincountOptions, type SearchsortedOptions, type UniqueOptions } from "./composites/counting.js";
export { outer, ger, inner, kron, tensordot, mv, addmm, addmv, addr, addbmm, baddbmm, addcmul, addcdiv, vdot, chainMatmul, matrixPower, cdist, pdist, dist, type TensordotDims, type BetaAlphaOptions, type CdistMode } from "./composites/products.js";
export * as linalg from "./composites/linalg.js";
export { det, logdet, slogdet, inverse, cholesky, qr, svd, pinverse, cross } from "./composites/linalg-torch.js";
export { allclose, equal, empty, logspace, range, vander, msort, renorm, bernoulli, normal, poisson } from "./composites/misc.js";
export * as special from "./composites/special.js";
export { i0, polygamma, mvlgamma, xlog1py, igamma, igammac } from "./composites/special-fns.js";
export {
  max, min, argmax, argmin, clone, detach, numel, t, adjoint, clampMin, clampMax, positive, rsub, splitWithSizes, concat, concatenate,
  arccos, arccosh, arcsin, arcsinh, arctan, arctanh, arctan2, isTensor, isFloatingPoint, isNonzero, isSameSize, resultType, promoteTypes, canCast,
} from "./composites/aliases.js";
export { variance as var } from "./ops/reduce.js";
export { asTensor, asarray, emptyLike, broadcastShapes, narrowCopy, isSigned, unsafeChunk, unsafeSplit, unsafeSplitWithSizes, getRngState, setRngState } from "./composites/tensor-info.js";
export { hannWindow, hammingWindow, blackmanWindow, bartlettWindow, kaiserWindow, frexp, histogram } from "./composites/signal.js";
export { choleskySolve, choleskyInverse, matrixExp } from "./composites/linalg-extra.js";
export { indexPut, indexReduce } from "./composites/index-put.js";
export { gradient } from "./composites/gradient.js";
export { lu, luUnpack, luSolve, triangularSolve } from "./composites/linalg-lu-torch.js";
