// Worker entry of runWatched (safetensorsFuzz.ts): runs its share of inputs, publishing the index
// it is on so that the watching thread can tell a hang from a slow run.

import { parentPort, workerData } from "node:worker_threads";
import { run } from "./safetensorsFuzz.js";

const job = workerData as { seed: number; from: number; to: number; progress: SharedArrayBuffer };
const progress = new Int32Array(job.progress);
parentPort!.postMessage(run(job.seed, job.from, job.to, (i) => Atomics.store(progress, 0, i)));
