// Training helpers: fit (the plain loop, once) with callbacks, metrics, and training in a worker.
export { fit, earlyStopping, checkpoint, type FitOptions, type EpochLog, type BatchLog, type Callback, type FitContext } from "./fit.js";
export { accuracy, confusionMatrix, mae, rmse } from "./metrics.js";
export { trainInWorker, type TrainingJob, type TrainInWorkerOptions, type WorkerLike } from "./workerHost.js";
export { serveTraining, type TrainingContext, type TrainingFunction } from "./workerServe.js";
export type { TrainingEvent } from "./workerProtocol.js";
