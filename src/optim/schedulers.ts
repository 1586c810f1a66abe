// The schedulers as one module, so the barrel can offer them as optim.lrScheduler.X (torch's
// torch.optim.lr_scheduler) as well as optim.X.

export { LRScheduler, LambdaLR, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, type SchedulerStateDict } from "./lr-scheduler.js";
export { MultiplicativeLR, ConstantLR, PolynomialLR, SequentialLR, ChainedScheduler } from "./lr-scheduler-more.js";
export { CosineAnnealingWarmRestarts, CyclicLR, type CyclicLROptions } from "./cyclic.js";
export { OneCycleLR, type OneCycleLROptions } from "./one-cycle.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./plateau.js";
