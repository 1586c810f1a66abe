// Helpers shared by myelin's AssemblyScript kernels (see kernels.ts for the module's contract).

/** base + elems * 4 with i32 element offsets (negative strides wrap mod 2^32, as usize addition needs). */
@inline export function at(base: usize, elems: i32): usize {
  return base + (<usize>elems << 2);
}
