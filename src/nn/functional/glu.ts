// F.glu: the gated linear unit, one half of a dim gating the other (Dauphin et al., 2017).

import { resolveArgs, type Args } from "../../options.js";
import { fmtShape, normDim } from "../../shape.js";
import type { Tensor } from "../../tensor.js";

/**
 * GLU(a, b) = a ⊗ σ(b), where a and b are the two halves of `input` along `dim` (default −1,
 * whose size must be even). Matches torch.nn.functional.glu (input, dim=-1).
 */
export function glu(input: Tensor, ...args: Args<[dim: number], { dim?: number }>): Tensor {
  const { dim } = resolveArgs("F.glu", args, ["dim"], { dim: -1 });
  if (input.ndim === 0) throw new Error("F.glu: glu does not support scalars because halving size must be even");
  const d = normDim("F.glu", dim, input.ndim);
  const n = input.shape[d]!;
  if (n % 2 !== 0) throw new Error(`F.glu: halving dimension must be even, but dimension ${d} of ${fmtShape(input.shape)} is size ${n}`);
  const [a, b] = input.chunk(2, d);
  return a!.mul(b!.sigmoid());
}
