// train: fit/evaluate/predict, callbacks, progress output, penalties, metrics and plots.

export { fit, evaluate, predict, type FitOptions, type History, type Batch, type Batches, type LossFn, type OptimizerLike } from "./fit.js";
export { OptimizerGroup, type StepFn, type StepContext, type StepResult, type AnyBatches } from "./step.js";
export { EarlyStopping, LRSchedulerCallback, LambdaCallback, Monitor, type Callback, type FitContext, type Logs, type MonitorOptions, type TrainInfo, type SchedulerLike } from "./callbacks.js";
export { Progress, setDefaultBarFactory, type ProgressOptions, type BarLike, type BarFactory } from "./progress.js";
export { penalty, type Regularization } from "./regularization.js";
export { historySpec, plotHistory, renderSvg } from "./plot.js";
export { resolveMetric } from "./metric-names.js";
export * as metrics from "./metrics.js";
export { yieldToEventLoop } from "./yield.js";
export { truncatedBptt, detachState, largestSingularValue, type RecurrentState, type ChunkInfo, type TruncatedBpttOptions } from "./bptt.js";
export { gradientFlow, gradientFlowDemo, gradientFlowSpec, plotGradientFlow, type GradientFlow } from "./gradient-flow.js";
