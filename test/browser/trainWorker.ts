// test:browser's check of training in a Web Worker (tl.train.trainInWorker): bundles
// trainWorkerPage.ts and the worker module trainWorkerJob.ts, serves them cross-origin isolated
// with data/digits.csv, and asserts what the page reports: the page keeps drawing (>= 30
// requestAnimationFrame callbacks per second) while a digits CNN trains in the worker, events
// arrive in order, the state dict comes back on moved buffers and loads, the wasm threads nest
// (workers of the worker), and cancel stops the job. Training on the page's thread is measured
// for contrast, plain and with fit's signal (printed, not asserted). Called by run.ts with its Chromium.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { build } from "esbuild";
import type { BrowserContext } from "playwright-core";
import type { FrameCount, TrainWorkerReport } from "./trainWorkerPage.js";

const MIN_FPS = 30;
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

async function serve(): Promise<Server> {
  const r = await build({
    entryPoints: { page: "test/browser/trainWorkerPage.ts", trainWorkerJob: "test/browser/trainWorkerJob.ts" },
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    outdir: "out",
    logLevel: "silent",
  });
  const files: Record<string, { type: string; body: string }> = {
    "/": {
      type: "text/html",
      body: `<!doctype html><meta charset="utf-8"><title>tensorloom training in a worker</title><script type="module" src="/page.js"></script>`,
    },
    "/digits.csv": { type: "text/csv", body: readFileSync("data/digits.csv", "utf8") },
  };
  for (const f of r.outputFiles) files[`/${f.path.split("/").pop()}`] = { type: "text/javascript", body: f.text };
  const server = createServer((req, res) => {
    const f = files[req.url!];
    if (f) res.writeHead(200, { "Content-Type": f.type, ...isolation }).end(f.body);
    else res.writeHead(req.url === "/favicon.ico" ? 204 : 404).end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const frames = (f: FrameCount): string =>
  `${f.fps.toFixed(1)} frames/s (${f.frames} frames in ${f.seconds.toFixed(2)} s, longest gap ${f.longestGapMs.toFixed(0)} ms)`;

export async function checkTrainingInWorker(context: BrowserContext): Promise<void> {
  const server = await serve();
  try {
    const page = await context.newPage();
    page.on("console", (m) => console.log(`  [train page] ${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => console.log(`  [train page] error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await page.waitForFunction(() => "tensorloomTrainCheck" in globalThis);
    const r = await page.evaluate(
      () =>
        new Promise<TrainWorkerReport | { error: string }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("the training page did not finish")), 300_000);
          void (
            globalThis as unknown as { tensorloomTrainCheck: Promise<TrainWorkerReport | { error: string }> }
          ).tensorloomTrainCheck.then((v) => {
            clearTimeout(timer);
            resolve(v);
          });
        }),
    );
    await page.close();
    if ("error" in r) throw new Error(`test:browser: the training page threw: ${r.error}`);

    console.log(`training in a Web Worker (digits CNN, ${r.done.epochsRun} epochs of ${r.batchesPerEpoch} batches on data/digits.csv):`);
    console.log(
      `  worker: backend ${r.threads.backend}, getNumThreads ${r.threads.numThreads}, ${r.threads.workersReady} kernel worker(s) serving inside it; page crossOriginIsolated ${r.crossOriginIsolated}`,
    );
    console.log(`  page while the worker trains: ${frames(r.worker)}`);
    console.log(`  page while its own thread trains the same: ${frames(r.mainThread)}`);
    console.log(`  page while its own thread trains the same with fit's signal (a yield per frame): ${frames(r.mainThreadYielding)}`);
    console.log(
      `  loss ${r.firstLoss.toFixed(3)} -> ${r.lastLoss.toFixed(3)}; accuracy on the digits: worker ${r.done.accuracy.toFixed(4)}, page after loadStateDict ${r.pageAccuracy.toFixed(4)}, main-thread run ${r.mainThreadAccuracy.toFixed(4)}`,
    );
    console.log(`  state dict: ${r.keys.join(", ")}; cancel at epoch 1's end of 50: ${r.cancelled.epochsRun} epoch(s) ran`);
    console.log(
      `  an error in the worker: ${r.thrown.isValueError ? "ValueError" : "not a ValueError"} "${r.thrown.message}"; a missing module: ${r.missing}`,
    );

    assert.equal(r.crossOriginIsolated, true);
    assert.equal(r.threads.backend, "wasm");
    assert.equal(r.threads.numThreads, 2, "setNumThreads(2) inside the worker: getNumThreads reports 2 there");
    assert.equal(r.threads.workersReady, 1, "the wasm kernel worker (a worker inside the training worker) serves");
    assert.equal(r.eventOrder, ("b".repeat(r.batchesPerEpoch) + "e").repeat(r.epochs), "every epoch: its batches, then its log, in order");
    assert.equal(r.batchesPerEpoch, Math.ceil(1797 / 64));
    assert.equal(r.epochs, r.done.epochsRun);
    assert.ok(r.lastLoss < r.firstLoss, "the loss falls");
    assert.ok(r.done.accuracy > 0.8, `the CNN learns the digits (training accuracy ${r.done.accuracy})`);
    assert.equal(r.pageAccuracy, r.done.accuracy, "the state dict loads on the page and gives the worker's accuracy");
    assert.deepEqual(r.keys, [
      "conv1.weight [8, 1, 3, 3]",
      "conv1.bias [8]",
      "conv2.weight [16, 8, 3, 3]",
      "conv2.bias [16]",
      "fc.weight [10, 64]",
      "fc.bias [10]",
    ]);
    assert.equal(r.wholeBuffers, true, "each tensor arrived on its own moved buffer");
    assert.equal(r.configBytesAfterTransfer, 0, "the config's images moved to the worker (transfer), not copied");
    assert.ok(r.cancelled.epochsRun >= 1 && r.cancelled.epochsRun < 50, `cancel stops training (${r.cancelled.epochsRun} of 50 epochs)`);
    assert.equal(r.cancelled.keys, 6, "a cancelled job still returns its state dict");
    assert.deepEqual(
      r.thrown,
      { isValueError: true, message: 'digits job: the config asked for an error (mode "throw").', stackInWorker: true },
      "an error thrown in the worker arrives with its class, message and stack",
    );
    assert.match(r.missing, /trainInWorker: the worker at http:\/\/127\.0\.0\.1:\d+\/noSuchJob\.js failed to load or crashed/);
    assert.ok(r.worker.seconds > 0.5, `training lasted long enough to measure (${r.worker.seconds} s)`);
    assert.ok(r.worker.fps >= MIN_FPS, `the page draws at >= ${MIN_FPS} frames/s while the worker trains, got ${frames(r.worker)}`);
  } finally {
    server.close();
  }
}
