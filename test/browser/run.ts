// `npm run test:browser`: the wasm backend's Web Worker threads in a real headless Chromium.
// Bundles test/browser/page.ts with esbuild, serves it from localhost twice (with the
// cross-origin isolation headers, where SharedArrayBuffer and threads exist, and without them,
// where the backend must run single-threaded), and checks what the page reports: workers ready
// after tl.ready(), 1 and 2 threads giving the same bits, and the timings (printed, not asserted);
// and tl.fromPixels / tl.toPixels on a real canvas, OffscreenCanvas, <img> and ImageBitmap.
// Training in a Web Worker (the page keeps drawing): trainWorker.ts.
// Needs Debian's Chromium at /usr/bin/chromium (CI has none, so this is not part of npm test).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import type { PageReport } from "./page.js";
import { checkViews } from "./viewsCheck.js";
import { checkTrainingInWorker } from "./trainWorker.js";

const CHROMIUM = "/usr/bin/chromium";
const PAGE_TIMEOUT_MS = 120_000;

const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
const html = `<!doctype html><meta charset="utf-8"><title>tensorloom threads</title><script type="module" src="/page.js"></script>`;

async function bundle(): Promise<string> {
  const r = await build({
    entryPoints: ["test/browser/page.ts"],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  return r.outputFiles[0]!.text;
}

/** "/isolated/" and "/plain/" serve the same page, with and without COOP/COEP. */
function serve(js: string): Promise<Server> {
  const server = createServer((req, res) => {
    const isolated = req.url!.startsWith("/isolated/");
    const headers = isolated ? isolation : {};
    if (req.url!.endsWith("/page.js")) res.writeHead(200, { "Content-Type": "text/javascript", ...headers }).end(js);
    else if (req.url!.endsWith("/"))
      res.writeHead(200, { "Content-Type": "text/html", ...headers }).end(html.replace("/page.js", req.url + "page.js"));
    else res.writeHead(req.url === "/favicon.ico" ? 204 : 404).end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test:browser: ${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function fmt(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

/** "1 thread 6.5 ms (min 6.1), 2 threads 3.9 ms (min 3.6): 1.66x" by medians. */
function versus(one: { median: number; min: number }, two: { median: number; min: number }): string {
  return `1 thread ${fmt(one.median)} (min ${fmt(one.min)}), 2 threads ${fmt(two.median)} (min ${fmt(two.min)}): ${(one.median / two.median).toFixed(2)}x by medians`;
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.error(`test:browser: no Chromium at ${CHROMIUM}. Install Debian's: apt-get install -y chromium`);
    process.exit(1);
  }
  const server = await serve(await bundle());
  const { port } = server.address() as { port: number };
  const profile = mkdtempSync(join(tmpdir(), "tensorloom-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const open = async (path: string): Promise<PageReport> => {
      const page = await context.newPage();
      page.on("console", (m) => console.log(`  [page ${path}] ${m.type()}: ${m.text()}`));
      page.on("pageerror", (e) => console.log(`  [page ${path}] error: ${e.message}`));
      await page.goto(`http://127.0.0.1:${port}${path}`);
      await page.waitForFunction(() => "tensorloomCheck" in globalThis);
      const r = await withTimeout(
        page.evaluate(() => (globalThis as unknown as { tensorloomCheck: Promise<PageReport | { error: string }> }).tensorloomCheck),
        PAGE_TIMEOUT_MS,
        `the page at ${path}`,
      );
      await page.close();
      if ("error" in r) throw new Error(`test:browser: the page at ${path} threw: ${r.error}`);
      return r;
    };

    console.log(`Chromium ${context.browser()?.version() ?? "(version unknown)"}`);
    const iso = await open("/isolated/");
    console.log(
      `isolated page: crossOriginIsolated ${iso.crossOriginIsolated}, backend ${iso.backend}, shared memory ${iso.shared}, relaxed-SIMD (FMA) variant ${iso.relaxed ? "loaded" : "not loaded (plain SIMD)"}, main thread may Atomics.wait: ${iso.callerCanWait}`,
    );
    console.log(
      `  2 threads: ${iso.two.beforeReady.workersReady} worker(s) ready right after setNumThreads(2) (that matmul ran on the page's thread: bits ${iso.two.beforeReady.matmul === iso.one.matmul ? "identical" : "DIFFER"}), ${iso.two.workersReady} after await tl.ready() (${fmt(iso.two.startMs)})`,
    );
    console.log(`  matmul 512x512x512 float32: ${versus(iso.one.matmulMs, iso.two.matmulMs)}`);
    console.log(`  conv2d fwd+bwd [16,16,32,32] * [32,16,3,3]: ${versus(iso.one.convMs, iso.two.convMs)}`);
    console.log(
      `  bits 1 vs 2 threads: matmul ${iso.one.matmul === iso.two.matmul ? "identical" : "DIFFER"}, conv out ${iso.one.convOut === iso.two.convOut ? "identical" : "DIFFER"}, dx ${iso.one.convDx === iso.two.convDx ? "identical" : "DIFFER"}, dw ${iso.one.convDw === iso.two.convDw ? "identical" : `differ by at most ${iso.dwMaxRelDiff.toExponential(2)} relative (per-thread partial sums)`}`,
    );
    assert.equal(iso.crossOriginIsolated, true, "the page served with COOP/COEP is cross-origin isolated");
    assert.equal(iso.backend, "wasm");
    assert.equal(iso.shared, true, "an isolated page gets the shared-memory variant");
    assert.equal(iso.callerCanWait, false, "the probe finds that a browser's main thread may not Atomics.wait");
    assert.equal(iso.one.workersReady, 0);
    assert.equal(iso.two.beforeReady.workersReady, 0, "a Web Worker cannot serve before the page yields");
    assert.equal(
      iso.two.beforeReady.matmul,
      iso.one.matmul,
      "matmul with the worker not yet serving: its rows run on the page's thread, same bits",
    );
    assert.equal(iso.two.workersReady, 1, "after setNumThreads(2) and await tl.ready(), one worker serves beside the page");
    assert.equal(iso.two.numThreads, 2, "getNumThreads reports the 2 threads that run on an isolated page");
    assert.deepEqual(iso.warnings, [], "an isolated page gets no isolation warning");
    assert.equal(iso.two.matmul, iso.one.matmul, "matmul: 2 threads give the same bits as 1");
    assert.equal(iso.two.convOut, iso.one.convOut, "conv2d forward: 2 threads give the same bits as 1");
    assert.equal(iso.two.convDx, iso.one.convDx, "conv2d input gradient: 2 threads give the same bits as 1");
    // the weight gradient sums per-thread partials: the same 16 * 1024 float32 terms per entry in
    // another order (as in Node), so within rounding (measured 3.5e-5), not bit for bit
    assert.ok(iso.dwMaxRelDiff <= 1e-4, `conv2d weight gradient: 2 threads within 1e-4 of 1 relative, got ${iso.dwMaxRelDiff}`);

    const px = iso.pixels;
    for (const [name, r] of Object.entries(px.read)) {
      console.log(
        `  fromPixels(${name}): shape [${r.shape.join(", ")}], max |difference| from the ImageData-like path ${r.full}; resized to 4x13: ${r.resized}`,
      );
      assert.deepEqual(r.shape, [4, 6, 9], `fromPixels(${name}) gives [C, H, W]`);
      assert.equal(r.full, 0, `fromPixels(${name}) reads the same pixels as the ImageData-like object`);
      assert.equal(r.resized, 0, `fromPixels(${name}, { size }) resizes as the ImageData-like path`);
    }
    const tp = px.toPixels;
    console.log(
      `  toPixels: returns ImageData ${tp.isImageData}, canvas sized ${tp.canvasSize.join("x")}, getImageData vs returned bytes max |diff| ${tp.drawnVsReturned} (gray [H, W]: ${tp.grayDrawnVsReturned}), fromPixels(canvas) vs the tensor ${tp.roundTrip.toExponential(2)}`,
    );
    console.log(`  fromPixels(new Image()) before loading: ${px.notLoaded}`);
    assert.equal(tp.isImageData, true);
    assert.deepEqual(tp.canvasSize, [8, 5]);
    assert.equal(tp.drawnVsReturned, 0, "toPixels draws what getImageData reads back");
    assert.equal(tp.grayDrawnVsReturned, 0, "toPixels draws a gray [H, W] tensor as getImageData reads it back");
    assert.ok(tp.roundTrip <= 0.5 / 255 + 1e-7, "fromPixels(toPixels(t, canvas)) is t within half a byte step");
    assert.match(px.notLoaded, /^ValueError: fromPixels: the image or video has no pixels yet/);

    const plain = await open("/plain/");
    console.log(
      `plain page (no COOP/COEP): crossOriginIsolated ${plain.crossOriginIsolated}, SharedArrayBuffer ${plain.sharedArrayBuffer}, backend ${plain.backend}, shared memory ${plain.shared}; setNumThreads(2) -> ${plain.two.workersReady} workers, matmul ${fmt(plain.two.matmulMs.median)}, conv ${fmt(plain.two.convMs.median)}`,
    );
    assert.equal(plain.crossOriginIsolated, false);
    assert.equal(plain.backend, "wasm");
    assert.equal(plain.shared, false, "without isolation the memory is private");
    assert.equal(plain.two.workersReady, 0);
    console.log(`  getNumThreads after setNumThreads(2): ${plain.two.numThreads}; warnings: ${JSON.stringify(plain.warnings)}`);
    assert.equal(plain.one.numThreads, 1);
    assert.equal(plain.two.numThreads, 1, "without isolation getNumThreads reports the 1 thread that runs, not the 2 asked");
    assert.equal(plain.warnings.length, 1, "setNumThreads(2) on a page without isolation warns once");
    assert.match(plain.warnings[0]!, /Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
    // same kernels on a private memory: the isolated page's single-thread bits
    for (const k of ["matmul", "convOut", "convDx", "convDw"] as const) {
      assert.equal(plain.two[k], iso.one[k], `${k}: the plain page equals the isolated page's 1-thread result`);
      assert.equal(plain.one[k], iso.one[k], `${k}: the plain page equals the isolated page's 1-thread result`);
    }
    await checkTrainingInWorker(context); // tl.train.trainInWorker: the page draws while a CNN trains
    await checkViews(context); // tl.report's live views: the DOM follows data appended over frames
    console.log("test:browser: all checks passed");
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
