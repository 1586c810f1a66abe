// Channel-wise dropout layers: Dropout1d, Dropout3d and FeatureAlphaDropout; active in training
// mode, the identity in eval mode (DropoutBase in dropout.ts holds p and the generator).

import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import { DropoutBase, type DropoutModuleOptions } from "./dropout.js";
import { dropout1d, dropout3d, featureAlphaDropout } from "./functional/dropout-nd.js";

type DropoutArgs = Args<[p: number], DropoutModuleOptions & { p?: number }>;

/** Zeroes whole channels of [N, C, L] or [C, L] with probability p while training. Matches torch.nn.Dropout1d. */
export class Dropout1d extends DropoutBase {
  constructor(...args: DropoutArgs) { super("nn.Dropout1d", args); }
  forward(x: Tensor): Tensor { return dropout1d(x, this.opts); }
}

/** Zeroes whole channels of [N, C, D, H, W] or [C, D, H, W] with probability p while training. Matches torch.nn.Dropout3d. */
export class Dropout3d extends DropoutBase {
  constructor(...args: DropoutArgs) { super("nn.Dropout3d", args); }
  forward(x: Tensor): Tensor { return dropout3d(x, this.opts); }
}

/**
 * Alpha dropout of whole channels (dims 0 and 1 are N and C) for SELU networks; the identity in
 * eval mode. Matches torch.nn.FeatureAlphaDropout.
 */
export class FeatureAlphaDropout extends DropoutBase {
  constructor(...args: DropoutArgs) { super("nn.FeatureAlphaDropout", args); }
  forward(x: Tensor): Tensor { return featureAlphaDropout(x, this.opts); }
}
