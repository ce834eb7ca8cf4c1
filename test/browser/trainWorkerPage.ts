// The page of test:browser's training-in-a-worker check (bundled by esbuild, opened in headless
// Chromium by test/browser/trainWorker.ts, which asserts): it trains a digits CNN on the shipped
// data/digits.csv in a Web Worker (trainWorkerJob.ts) while counting requestAnimationFrame
// callbacks, loads the state dict that comes back, then trains the same on its own thread for
// contrast (plain, and with fit's signal, which yields once a frame). It reports; it asserts nothing.
import * as tl from "../../src/index.js";
import { type DigitsJobConfig, type DigitsJobReport, SmallDigitsCnn, trainDigitsJob } from "./trainWorkerModel.js";

/** Frames per second while a task ran on this thread or beside it. */
export interface FrameCount {
  frames: number;
  seconds: number;
  fps: number;
  /** Longest time between two frames (ms): a frozen page shows here. */
  longestGapMs: number;
}

export interface TrainWorkerReport {
  crossOriginIsolated: boolean;
  /** The worker's own report of its wasm threads (workers of the worker). */
  threads: Extract<DigitsJobReport, { kind: "threads" }>;
  done: Extract<DigitsJobReport, { kind: "done" }>;
  /** "b" per batch event and "e" per epoch event, in arrival order. */
  eventOrder: string;
  epochs: number;
  batchesPerEpoch: number;
  lastLoss: number;
  firstLoss: number;
  worker: FrameCount;
  mainThread: FrameCount;
  /** The same on this thread with fit's signal, which yields to the event loop once a frame. */
  mainThreadYielding: FrameCount;
  /** Keys and shapes of the state dict as it arrived, and whether its buffers arrived whole. */
  keys: string[];
  wholeBuffers: boolean;
  /** Accuracy of a fresh model on this page after loadStateDict, and of the main-thread run. */
  pageAccuracy: number;
  mainThreadAccuracy: number;
  /** The config's buffers after the transfer (0: moved, not copied). */
  configBytesAfterTransfer: number;
  /** job.cancel() on a second run: epochs run of the 50 asked, and whether a state dict came back. */
  cancelled: { epochsRun: number; keys: number };
  /** An error thrown in the worker: instanceof ValueError, its message, and whether its stack names the worker's bundle. */
  thrown: { isValueError: boolean; message: string; stackInWorker: boolean };
  /** The rejection of a job whose module does not exist (404). */
  missing: string;
}

const EPOCHS = 10;

async function loadDigits(): Promise<{ x: Float32Array; y: Int32Array }> {
  const rows = (await (await fetch("/digits.csv")).text()).trim().split("\n").slice(1);
  const x = new Float32Array(rows.length * 64),
    y = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const v = line.split(",").map(Number);
    for (let j = 0; j < 64; j++) x[i * 64 + j] = v[j]! / 16; // pixels are 0..16
    y[i] = v[64]!;
  });
  return { x, y };
}

/** Records every requestAnimationFrame time until stopped; counts the frames within [from, to]. */
function frameClock() {
  const times: number[] = [];
  let on = true;
  const tick = (t: number): void => {
    times.push(t);
    if (on) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return {
    stop: () => void (on = false),
    between(from: number, to: number): FrameCount {
      const inside = times.filter((t) => t >= from && t <= to);
      const edges = [from, ...inside, to];
      let gap = 0;
      for (let i = 1; i < edges.length; i++) gap = Math.max(gap, edges[i]! - edges[i - 1]!);
      const seconds = (to - from) / 1000;
      return { frames: inside.length, seconds, fps: inside.length / seconds, longestGapMs: gap };
    },
  };
}

const jobUrl = new URL("./trainWorkerJob.js", import.meta.url);

async function check(): Promise<TrainWorkerReport> {
  await tl.ready();
  const data = await loadDigits();
  const config: DigitsJobConfig = { seed: 1, epochs: EPOCHS, batchSize: 64, threads: 2, x: data.x.slice(), y: data.y.slice() };

  const clock = frameClock();
  await new Promise((r) => setTimeout(r, 200)); // frames are flowing
  const job = tl.train.trainInWorker<DigitsJobConfig, DigitsJobReport>(jobUrl, config, { transfer: [config.x!.buffer, config.y!.buffer] });
  const configBytesAfterTransfer = config.x!.byteLength + config.y!.byteLength;
  let firstBatchAt = NaN,
    order = "",
    batchesPerEpoch = 0,
    firstLoss = NaN,
    lastLoss = NaN,
    epochs = 0;
  const reports: DigitsJobReport[] = [];
  job.onProgress((e) => {
    if (e.type === "batch") {
      if (Number.isNaN(firstBatchAt)) {
        firstBatchAt = performance.now();
        firstLoss = e.loss;
      }
      order += "b";
      batchesPerEpoch = e.batches;
      lastLoss = e.loss;
    } else if (e.type === "epoch") {
      order += "e";
      epochs++;
    } else reports.push(e.data);
  });
  const sd = await job.result;
  const workerDone = performance.now();

  const model = new SmallDigitsCnn();
  model.loadStateDict(sd);
  const pageAccuracy = tl.noGrad(() =>
    tl.metrics.accuracy(model.eval().forward(tl.fromStorage(data.x, [data.y.length, 1, 8, 8])), tl.fromStorage(data.y, [data.y.length])),
  );

  // the same training on this thread: the page cannot draw until it ends
  await new Promise((r) => setTimeout(r, 200));
  const mainStart = performance.now();
  const here = await trainDigitsJob({ ...config, x: data.x, y: data.y });
  const mainDone = performance.now();
  await new Promise((r) => setTimeout(r, 200)); // the frame after the freeze
  const yieldStart = performance.now();
  await trainDigitsJob({ ...config, x: data.x, y: data.y }, { signal: new AbortController().signal });
  const yieldDone = performance.now();
  await new Promise((r) => setTimeout(r, 100));
  clock.stop();

  // cancel: 50 epochs asked, cancelled at the first epoch's end
  // started by a factory, the `new Worker(new URL(...))` form bundlers recognise
  const second = tl.train.trainInWorker<DigitsJobConfig, DigitsJobReport>(() => new Worker(jobUrl, { type: "module" }), {
    ...config,
    epochs: 50,
    x: data.x,
    y: data.y,
  });
  let cancelledEpochs = -1;
  second.onProgress((e) => {
    if (e.type === "epoch") second.cancel();
    if (e.type === "report" && e.data.kind === "done") cancelledEpochs = e.data.epochsRun;
  });
  const cancelledSd = await second.result;

  const thrown = await tl.train.trainInWorker(jobUrl, { seed: 0, epochs: 1, mode: "throw" }).result.then(
    () => ({ isValueError: false, message: "resolved", stackInWorker: false }),
    (e: Error) => ({
      isValueError: e instanceof tl.ValueError,
      message: e.message,
      stackInWorker: /trainWorkerJob\.js/.test(e.stack ?? ""),
    }),
  );
  const missing = await tl.train.trainInWorker(new URL("./noSuchJob.js", import.meta.url), {}).result.then(
    () => "resolved",
    (e: Error) => e.message,
  );

  return {
    crossOriginIsolated,
    threads: reports.find((r) => r.kind === "threads") as TrainWorkerReport["threads"],
    done: reports.find((r) => r.kind === "done") as TrainWorkerReport["done"],
    eventOrder: order,
    epochs,
    batchesPerEpoch,
    firstLoss,
    lastLoss,
    worker: clock.between(firstBatchAt, workerDone),
    mainThread: clock.between(mainStart, mainDone),
    mainThreadYielding: clock.between(yieldStart, yieldDone),
    keys: Object.entries(sd).map(([k, t]) => `${k} [${t.shape.join(", ")}]`),
    wholeBuffers: Object.values(sd).every((t) => t.storage.byteOffset === 0 && t.storage.byteLength === t.storage.buffer.byteLength),
    pageAccuracy,
    mainThreadAccuracy: here.accuracy,
    configBytesAfterTransfer,
    cancelled: { epochsRun: cancelledEpochs, keys: Object.keys(cancelledSd).length },
    thrown,
    missing,
  };
}

(globalThis as unknown as { tensorloomTrainCheck: Promise<TrainWorkerReport | { error: string }> }).tensorloomTrainCheck = check().catch(
  (e: Error) => ({ error: `${e.name}: ${e.message}\n${e.stack}` }),
);
