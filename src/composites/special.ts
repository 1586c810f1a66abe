// The torch.special namespace (torch 1.13), every function in it that works on real float tensors,
// camelCased: its own functions from special-fns.ts, and the entries that are myelin's existing
// functions (erf, digamma, softmax, xlogy, …), re-exported as the same function objects.

export {
  airyAi, besselJ0, besselJ1, besselY0, besselY1, chebyshevPolynomialT, chebyshevPolynomialU, chebyshevPolynomialV, chebyshevPolynomialW,
  entr, erfcx, expit, gammainc, gammaincc, hermitePolynomialH, hermitePolynomialHe, i0, i0e, i1, i1e, laguerrePolynomialL, legendrePolynomialP,
  logNdtr, modifiedBesselI0, modifiedBesselI1, modifiedBesselK0, modifiedBesselK1, mvlgamma as multigammaln, ndtr, ndtri, polygamma,
  scaledModifiedBesselK0, scaledModifiedBesselK1, shiftedChebyshevPolynomialT, shiftedChebyshevPolynomialU, shiftedChebyshevPolynomialV,
  shiftedChebyshevPolynomialW, sphericalBesselJ0, xlog1py, zeta,
} from "./special-fns.js";
export { erf, expm1, log1p } from "./math-basic.js";
export { erfc, exp2, logit, sinc, xlogy } from "./math.js";
export { digamma, digamma as psi, erfinv, lgamma as gammaln, round } from "./math-more.js";
export { logsumexp, softmax, logSoftmax } from "../ops/reduce.js";
