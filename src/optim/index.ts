// The optim namespace: optimizers, learning-rate schedulers (also under lrScheduler, as in torch),
// and gradient clipping.

import * as lrScheduler from "./schedulers.js";

export { Optimizer, type BaseOptions, type ParamGroup, type ParamGroupSpec, type Params, type ParamState, type StateValue, type OptimizerStateDict } from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { Adagrad, Adadelta, type AdagradOptions, type AdadeltaOptions } from "./adagrad.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { Adam, AdamW, type AdamOptions } from "./adam.js";
export { Adamax, type AdamaxOptions } from "./adamax.js";
export { NAdam, type NAdamOptions } from "./nadam.js";
export { RAdam, type RAdamOptions } from "./radam.js";
export { LAMB, type LAMBOptions } from "./lamb.js";
export { Yogi, type YogiOptions } from "./yogi.js";
export { AdaBelief, type AdaBeliefOptions } from "./adabelief.js";
export { NovoGrad, type NovoGradOptions } from "./novograd.js";
export { COCOB, type COCOBOptions } from "./cocob.js";
export { Lookahead, type LookaheadOptions } from "./lookahead.js";
export { LBFGS, type LBFGSOptions } from "./lbfgs.js";
export { clipGradNorm, clipGradValue } from "../composites/clip.js";
export * from "./schedulers.js";
export { lrScheduler };
export { Rprop, type RpropOptions } from "./rprop.js";
export { ASGD, type ASGDOptions } from "./asgd.js";
