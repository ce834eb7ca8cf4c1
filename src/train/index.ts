// Training helpers: fit (the plain loop, once) with callbacks, and metrics.
export { fit, earlyStopping, checkpoint, type FitOptions, type EpochLog, type Callback, type FitContext } from "./fit.js";
export { accuracy, confusionMatrix, mae, rmse } from "./metrics.js";
