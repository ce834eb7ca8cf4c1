// trainInWorker / serveTraining in Node's worker_threads: the job module
// (test/browser/trainWorkerJob.ts, which test:browser runs in a Web Worker) trains a small digits
// CNN; these tests check the events, cancellation, the state dict's bits against the same
// training on this thread, the wasm threads nested inside the worker, and every way it can fail.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import * as tl from "../index.js";
import { packError, packStateDict, unpackError, unpackStateDict } from "./workerProtocol.js";
import type { DigitsJobConfig, DigitsJobReport } from "../../test/browser/trainWorkerModel.js";
import { trainDigitsJob } from "../../test/browser/trainWorkerModel.js";
import { RUN_ONCE } from "../../test/support/runOnce.js";

type Event = tl.train.TrainingEvent<DigitsJobReport>;

// Node 20 loads a worker's entry before its --import hooks run: the entry registers tsx first
const jobUrl = new URL("../../test/browser/trainWorkerJob.ts", import.meta.url).href;
const boot = (entry: string): URL =>
  new URL(
    `data:text/javascript,${encodeURIComponent(`const m = await import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}); m.register(); await import(${JSON.stringify(entry)});`)}`,
  );

function start(config: DigitsJobConfig, opts: tl.train.TrainInWorkerOptions = {}) {
  const job = tl.train.trainInWorker<DigitsJobConfig, DigitsJobReport>(boot(jobUrl), config, opts);
  const events: Event[] = [];
  job.onProgress((e) => events.push(e));
  return { job, events };
}

const reports = (events: Event[]) => events.flatMap((e) => (e.type === "report" ? [e.data] : []));

const bytes = (t: tl.Tensor) => new Uint8Array(t.storage.buffer, t.storage.byteOffset, t.storage.byteLength);

// The bits are checked in every backend configuration (the worker must pick the same backend and
// kernels); the plumbing, which no backend changes, once (RUN_ONCE).
describe("trainInWorker (worker_threads)", { timeout: 120_000 }, () => {
  it("streams batch and epoch events in order and hands back the same state dict, bit for bit, as training here", async () => {
    const config: DigitsJobConfig = { seed: 7, epochs: 3, n: 128, batchSize: 32 };
    const { job, events } = start(config);
    const sd = await job.result;

    const threads = reports(events).find((r) => r.kind === "threads")!;
    assert.ok(threads, "the job reports its threads");
    assert.equal(threads.backend, tl.getBackend(), "the worker runs the backend this thread runs");
    assert.equal(threads.numThreads, tl.getNumThreads(), "same thread count in the worker as here (the bits depend on it)");
    // the wasm kernel threads are workers of the worker: they serve, and getNumThreads counts them
    assert.equal(threads.workersReady, threads.backend === "wasm" ? threads.numThreads - 1 : 0);

    const order = events
      .filter((e) => e.type !== "report")
      .map((e) => (e.type === "batch" ? `b${e.epoch}.${e.batch}` : e.type === "epoch" ? `e${e.epoch}` : ""));
    const expected = [1, 2, 3].flatMap((ep) => [1, 2, 3, 4].map((b) => `b${ep}.${b}`).concat(`e${ep}`));
    assert.deepEqual(order, expected, "4 batches then the epoch log, per epoch, in order");
    for (const e of events) {
      if (e.type === "batch") {
        assert.equal(e.batches, 4);
        assert.ok(Number.isFinite(e.loss) && e.loss > 0 && e.loss < 5, `batch loss ${e.loss}`);
      }
    }
    const epochs = events.flatMap((e) => (e.type === "epoch" ? [e] : []));
    assert.ok(epochs[2]!.trainLoss < epochs[0]!.trainLoss, `the loss falls: ${epochs.map((e) => e.trainLoss.toFixed(3)).join(", ")}`);
    assert.ok(epochs.every((e) => e.metrics.accuracy! >= 0 && e.metrics.accuracy! <= 1 && e.seconds >= 0));
    const done = reports(events).find((r) => r.kind === "done")!;
    assert.deepEqual([done.epochsRun, done.batchesRun], [3, 12]);

    // the same training on this thread, same seed and threads: the same bits
    const here = await trainDigitsJob(config);
    const mine = here.model.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(mine));
    for (const [k, t] of Object.entries(mine)) {
      assert.equal(sd[k]!.dtype, t.dtype, k);
      assert.deepEqual(sd[k]!.shape, t.shape, k);
      assert.deepEqual(bytes(sd[k]!), bytes(t), `${k}: the worker's bits equal this thread's`);
    }
    assert.equal(done.accuracy, here.accuracy);
    // the tensors arrived on moved buffers, one per tensor, and load into a fresh model
    assert.ok(Object.values(sd).every((t) => t.storage.byteOffset === 0 && t.storage.byteLength === t.storage.buffer.byteLength));
    const loaded = new (here.model.constructor as new () => tl.nn.Module)();
    loaded.loadStateDict(sd);
    assert.deepEqual(bytes(loaded.stateDict()["fc.weight"]!), bytes(mine["fc.weight"]!));
  });

  it("for await iterates the events and ends when the job ends; a factory starts the worker", { skip: !RUN_ONCE }, async () => {
    // the config is copied at the call; a transferred buffer moves there (detached here)
    const extra = new Float32Array(1000);
    const config = { seed: 1, epochs: 1, n: 64, batchSize: 32, extra };
    // a factory: the `new Worker(new URL(...))` form bundlers recognise
    const job = tl.train.trainInWorker<DigitsJobConfig, DigitsJobReport>(() => new Worker(boot(jobUrl)), config, {
      transfer: [extra.buffer],
    });
    assert.equal(extra.byteLength, 0);
    config.epochs = 5; // too late: the worker trains the config as it was
    const types: string[] = [];
    for await (const e of job) types.push(e.type);
    assert.deepEqual(types, ["report", "batch", "batch", "epoch", "report"]);
    assert.ok("fc.weight" in (await job.result));
  });

  it("cancel stops fit before the next batch; result resolves with the weights so far", { skip: !RUN_ONCE }, async () => {
    const { job, events } = start({ seed: 3, epochs: 200, n: 128, batchSize: 32 });
    job.onProgress((e) => {
      if (e.type === "batch" && e.epoch === 1 && e.batch === 2) job.cancel();
    });
    const sd = await job.result;
    const done = reports(events).find((r) => r.kind === "done")!;
    assert.ok(done.epochsRun < 200, `stopped after ${done.epochsRun} epochs`);
    const batches = events.filter((e) => e.type === "batch").length;
    assert.equal(batches, done.batchesRun, "no batch ran after the events stopped");
    assert.ok(batches >= 2 && batches < 200 * 4, `${batches} batches ran`);
    assert.equal(events.filter((e) => e.type === "epoch").length, done.epochsRun, "an unfinished epoch is not logged");
    assert.deepEqual(sd["conv1.weight"]!.shape, [8, 1, 3, 3]);
    job.cancel(); // after the end: nothing happens
  });

  // the failing jobs run side by side: each costs a worker start (~1-4 s on this host), not a training
  it("a thrown error rejects with its class, message and stack; a worker that exits, throws outside the function or is terminated rejects; none hangs", {
    skip: !RUN_ONCE,
  }, async () => {
    const thrown = start({ seed: 0, epochs: 1, mode: "throw" }).job.result.then(
      () => null,
      (err: Error) => err,
    );
    const bad = start({ seed: 0, epochs: 1, mode: "badResult" }).job.result;
    const exit = start({ seed: 0, epochs: 1, mode: "exit" }).job.result;
    const uncaught = start({ seed: 0, epochs: 1, mode: "uncaught" }).job.result;
    const hung = start({ seed: 0, epochs: 1, mode: "hang" });
    hung.job.onProgress(() => hung.job.terminate()); // once it runs (its threads report)

    const e = await thrown;
    assert.ok(e instanceof tl.ValueError, `a ValueError, got ${e}`);
    assert.equal(e.message, 'digits job: the config asked for an error (mode "throw").');
    assert.match(e.stack!, /trainWorkerJob\.ts/, "the stack names the worker's frames");
    await assert.rejects(
      bad,
      /serveTraining: entry "weight" of the returned state dict is an array, not a Tensor; return model.stateDict\(\)/,
    );
    await assert.rejects(exit, /trainInWorker: the worker exited with code 3 before it sent a result/);
    await assert.rejects(uncaught, (err: Error) => err.name === "RangeError" && /an error outside the training function/.test(err.message));
    await assert.rejects(hung.job.result, /trainInWorker: the job was terminated \(job.terminate\(\)\) before the worker sent a result/);
  });

  it("a module that fails to load, or never calls serveTraining, rejects", { skip: !RUN_ONCE }, async () => {
    const missing = tl.train.trainInWorker(boot(new URL("./noSuchJob.ts", import.meta.url).href), {});
    await assert.rejects(missing.result, /noSuchJob/);
    const silent = tl.train.trainInWorker(new URL("data:text/javascript,setInterval(() => {}, 1000);"), {}, { startTimeoutMs: 500 });
    await assert.rejects(
      silent.result,
      /trainInWorker: the worker at data:text\/javascript,.* did not call tl.train.serveTraining within 0.5 s/,
    );
    assert.throws(() => tl.train.trainInWorker(jobUrl, {}, { startTimeoutMs: 0 }), /startTimeoutMs must be a positive number/);
    await assert.rejects(
      tl.train.trainInWorker(() => ({}) as never, {}).result,
      /trainInWorker: the factory returned object, not a Worker\. Return the started worker: \(\) => new Worker\(/,
    );
    assert.throws(
      () => tl.train.trainInWorker(jobUrl, { x: tl.zeros([2]) }),
      /trainInWorker: the config holds a Tensor \(key "x"\), which does not survive the trip to a worker\. Pass its values and shape instead/,
    );
    assert.throws(
      () => tl.train.trainInWorker(jobUrl, { loss: () => 0 }),
      /trainInWorker: the config cannot be sent to a worker \(DataCloneError/,
    );
  });

  it("serveTraining on a main thread says to start the module with trainInWorker", () => {
    assert.throws(
      () => tl.train.serveTraining(() => ({})),
      /serveTraining: this code runs on a main thread, not in a worker.*trainInWorker/,
    );
  });
});

describe("fit's signal", () => {
  it("an abort between batches stops fit: it returns the finished epochs' history", async () => {
    const controller = new AbortController();
    const config: DigitsJobConfig = { seed: 5, epochs: 50, n: 64, batchSize: 32 };
    let batches = 0;
    const r = await trainDigitsJob(config, {
      signal: controller.signal,
      callbacks: [
        {
          onBatchEnd: (b) => {
            batches++;
            if (b.epoch === 2 && b.batch === 1) controller.abort();
          },
        },
      ],
    });
    // checked before each batch: batch 2 of epoch 2 does not run
    assert.equal(batches, 3);
    assert.equal(r.history.length, 1);
    assert.equal(r.model.training, false);
    const none = await trainDigitsJob(config, { signal: AbortSignal.abort() });
    assert.deepEqual([none.history.length, none.batchesRun], [0, 0], "already aborted: no batch runs");
  });
});

describe("the worker protocol's state dicts and errors", () => {
  it("a state dict moves on whole buffers; a shared or partial buffer is copied first", () => {
    const w = tl.randn([3, 4]);
    const view = w.reshape([12]); // shares w's storage
    const part = tl.fromStorage(new Float32Array(10).subarray(2, 6), [4]);
    const { tensors, transfer } = packStateDict({ w, view, part, i: tl.tensor([1, 2], { dtype: "int32" }) }, "test");
    assert.equal(tensors[0]!.data, w.storage, "moved as it is");
    assert.notEqual(tensors[1]!.data, view.storage, "the second user of a buffer gets a copy");
    assert.notEqual(tensors[2]!.data, part.storage, "a part of a bigger buffer is copied");
    assert.equal(new Set(transfer).size, 4);
    const sd = unpackStateDict(structuredClone(tensors, { transfer }));
    assert.equal(w.storage.byteLength, 0, "the worker's buffer is detached: moved, not copied");
    assert.deepEqual(sd.view!.shape, [12]);
    assert.deepEqual([...sd.part!.storage], [...part.storage]);
    assert.equal(sd.i!.dtype, "int32");
  });
  it("refuses what is not a state dict, naming the fix", () => {
    assert.throws(
      () => packStateDict(new tl.nn.Linear(2, 1) as never, "serveTraining"),
      /serveTraining: the training function returned a Linear \(a module\); return its state dict instead: model\.stateDict\(\)\./,
    );
    assert.throws(
      () => packStateDict(undefined as never, "serveTraining"),
      /returned undefined \(a missing return\?\); it must return a state dict/,
    );
    assert.throws(
      () => packStateDict({ a: 1 } as never, "serveTraining"),
      /entry "a" of the returned state dict is number 1, not a Tensor/,
    );
  });
  it("errors cross with their class, name, message and stack", () => {
    const e = unpackError(structuredClone(packError(new tl.ShapeError("conv2d: bad"))));
    assert.ok(e instanceof tl.ShapeError);
    assert.deepEqual([e.name, e.message], ["ShapeError", "conv2d: bad"]);
    assert.match(e.stack!, /worker\.test\.ts/);
    class CustomError extends Error {
      override name = "CustomError";
    }
    const c = unpackError(packError(new CustomError("mine")));
    assert.deepEqual([c.constructor, c.name, c.message], [Error, "CustomError", "mine"]);
    assert.deepEqual(packError("a string"), { name: "Error", message: 'the training function threw the string "a string", not an Error' });
  });
});
