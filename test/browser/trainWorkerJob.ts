// The worker module of the training-in-a-worker tests: test:browser bundles it for a Web Worker,
// src/train/worker.test.ts starts it in a worker_thread. It reports the wasm threads it runs
// (nested workers), trains (trainWorkerModel.ts) with progress and cancellation, and returns the
// state dict; config.mode makes it fail in each way the host must survive.
import * as tl from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import type { WasmBackend } from "../../src/backends/wasm/index.js";
import { type DigitsJobConfig, type DigitsJobReport, trainDigitsJob } from "./trainWorkerModel.js";

tl.train.serveTraining<DigitsJobConfig, DigitsJobReport>(async (ctx, config) => {
  if (config.threads !== undefined) tl.setNumThreads(config.threads);
  await tl.ready();
  // one GEMM big enough to split, so the kernel threads (workers of this worker) start; a call
  // does not wait for a worker still starting (its rows run here), so wait until they serve
  tl.matmul(tl.ones([256, 256]), tl.ones([256, 256]));
  const b = kernels();
  const serving = () => (b.name === "wasm" ? (b as WasmBackend).workersReady() : 0);
  for (let waited = 0; b.name === "wasm" && serving() < tl.getNumThreads() - 1 && waited < 10_000; waited += 5)
    await new Promise((r) => setTimeout(r, 5));
  ctx.report({
    kind: "threads",
    numThreads: tl.getNumThreads(),
    workersReady: serving(),
    backend: b.name,
  });
  switch (config.mode ?? "train") {
    case "throw":
      throw new tl.ValueError('digits job: the config asked for an error (mode "throw").');
    case "exit":
      (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(3);
      break;
    case "uncaught":
      setTimeout(() => {
        throw new RangeError("digits job: an error outside the training function");
      });
      return new Promise(() => {});
    case "hang":
      return new Promise(() => {});
    case "badResult":
      return { weight: [1, 2, 3] } as unknown as Record<string, tl.Tensor>;
    case "train":
      break;
  }
  const r = await trainDigitsJob(config, { callbacks: [ctx.progressCallback()], signal: ctx.signal });
  ctx.report({ kind: "done", epochsRun: r.history.length, batchesRun: r.batchesRun, accuracy: r.accuracy });
  return r.model.stateDict();
});
