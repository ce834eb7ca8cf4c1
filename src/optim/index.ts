// torch.optim's counterpart: optimizers and, under lrScheduler, learning-rate schedulers.
export { Optimizer, type ParamsArg, type ParamGroup, type ParamState, type OptimizerStateDict } from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { Adam, AdamW, type AdamOptions } from "./adam.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { Adagrad, type AdagradOptions } from "./adagrad.js";
export * as lrScheduler from "./schedule.js";
