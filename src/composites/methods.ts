// Tensor methods for the composite catalogue (src/composites/): installed on Tensor.prototype from
// the catalogue's own files and typed there by module augmentation, so the catalogue of torch
// functions grows without growing the core's tensor.ts (docs/architecture.md, "Line budget").

import { Tensor } from "../tensor.js";

/**
 * Adds methods to Tensor.prototype, non-enumerable like class methods. Each file that calls it
 * declares the same names in a `declare module "../tensor.js" { interface Tensor { … } }` block.
 * A name Tensor already has is an error: the core's methods are never replaced.
 * @example
 * declare module "../tensor.js" { interface Tensor { outer(other: Tensor): Tensor } }
 * installMethods({ outer(this: Tensor, other: Tensor) { return outer(this, other); } });
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- methods of any signature
export function installMethods(methods: Record<string, (this: Tensor, ...args: any[]) => unknown>): void {
  for (const [name, fn] of Object.entries(methods)) {
    if (name in Tensor.prototype) throw new Error(`installMethods: Tensor.${name} already exists`);
    Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}
