// Test utilities for users and for myelin's own suite: gradcheck and closeness checks.

export { gradcheck, type GradcheckOptions } from "./gradcheck.js";
export { allclose, assertClose, closeMismatch, type CloseOptions } from "./allclose.js";
