// `npm run test:webgpu`: the webgpu backend in headless Chromium on SwiftShader (a CPU
// implementation of Vulkan, so no GPU is needed). Bundles test/browser/webgpuPage.ts with
// esbuild (node:test, node:assert, node:fs, node:path and node:url shimmed, the fixture files
// embedded), serves it from 127.0.0.1 (a secure context: navigator.gpu exists there), and
// checks what the page reports: the PyTorch fixture families the GPU kernels cover, per dtype
// (float64 runs on the CPU fallback under the webgpu backend), at float32 tolerance; every GPU
// kernel against wasm; async reads and the sync-read error; in-place updates; an MLP's loss
// curve against wasm. Needs Debian's Chromium at /usr/bin/chromium.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import { chromium } from "playwright-core";
import { FIXTURE_DIR, LOCAL_FIXTURE_DIR } from "../support/fixtures.js";
import type { WebGpuPageReport } from "./webgpuPage.js";
import { formatMemoryTrace, memoryTraceFailures } from "../support/memoryFlat.js";

const CHROMIUM = "/usr/bin/chromium";
/** TENSORLOOM_WEBGPU_STEPS=10000: also train that many steps and print the GPU memory every TENSORLOOM_WEBGPU_EVERY (1000) steps (flat, asserted). */
const STEPS = Number(process.env.TENSORLOOM_WEBGPU_STEPS ?? 0);
/** TENSORLOOM_WEBGPU_TRACE_ONLY=1 (with STEPS): only the memory trace, no fixtures or checks. */
const TRACE_ONLY = STEPS > 0 && process.env.TENSORLOOM_WEBGPU_TRACE_ONLY === "1";
const EVERY = Number(process.env.TENSORLOOM_WEBGPU_EVERY ?? 1000);
const PAGE_TIMEOUT_MS = 300_000 + STEPS * 100;

/** Families that must pass completely (the ones the GPU kernels cover). */
const REQUIRED = [
  "elementwise",
  "activations",
  "softmax",
  "linear",
  "mse_loss",
  "l1_loss",
  "smooth_l1_loss",
  "binary_cross_entropy_with_logits",
  "reductions",
  "shape_ops",
  "nll_loss",
  "cross_entropy",
];

function embedFixtures(): string {
  const files: Record<string, string> = {};
  for (const [dir, name] of [
    [FIXTURE_DIR, "torch"],
    [LOCAL_FIXTURE_DIR, "fixtures"],
  ] as const) {
    for (const f of readdirSync(dir)) if (f.endsWith(".json")) files[`${name}/${f}`] = readFileSync(join(dir, f), "utf8");
  }
  return `export const files = ${JSON.stringify(files)};`;
}

const shims: Plugin = {
  name: "node-shims",
  setup(b) {
    const shim = (f: string) => ({ path: resolve("test/browser/shims", f) });
    b.onResolve({ filter: /^node:test$/ }, () => shim("nodeTest.ts"));
    b.onResolve({ filter: /^node:assert(\/strict)?$/ }, () => shim("assert.ts"));
    b.onResolve({ filter: /^node:fs$/ }, () => shim("fs.ts"));
    b.onResolve({ filter: /^node:(path|url)$/ }, () => shim("path.ts"));
    b.onResolve({ filter: /^tensorloom-embedded-fixtures$/ }, () => ({ path: "fixtures", namespace: "embedded" }));
    b.onLoad({ filter: /.*/, namespace: "embedded" }, () => ({ contents: embedFixtures(), loader: "js" }));
  },
};

async function bundle(): Promise<string> {
  const r = await build({
    entryPoints: ["test/browser/webgpuPage.ts"],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "silent",
    plugins: [shims],
    define: { "process.env.TENSORLOOM_BACKEND": "undefined", "process.env.TENSORLOOM_FIXTURES": "undefined" },
  });
  return r.outputFiles[0]!.text;
}

function serve(js: string): Promise<Server> {
  const html = `<!doctype html><meta charset="utf-8"><title>tensorloom webgpu</title><script type="module" src="/page.js"></script>`;
  const server = createServer((req, res) => {
    if (req.url === "/page.js") res.writeHead(200, { "Content-Type": "text/javascript" }).end(js);
    else if (req.url?.split("?")[0] === "/") res.writeHead(200, { "Content-Type": "text/html" }).end(html);
    else res.writeHead(req.url === "/favicon.ico" ? 204 : 404).end();
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.error(`test:webgpu: no Chromium at ${CHROMIUM}. Install Debian's: apt-get install -y chromium`);
    process.exit(1);
  }
  const t0 = Date.now();
  const server = await serve(await bundle());
  const { port } = server.address() as { port: number };
  const profile = mkdtempSync(join(tmpdir(), "tensorloom-webgpu-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--enable-unsafe-webgpu",
      "--enable-features=Vulkan",
      "--use-webgpu-adapter=swiftshader",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--js-flags=--expose-gc", // the memory trace's full collections (test/support/memoryFlat.ts)
    ],
  });
  let report: WebGpuPageReport;
  try {
    const page = await context.newPage();
    page.on("console", (m) => console.log(`  [page] ${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => console.log(`  [page] error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${port}/${STEPS > 0 ? `?steps=${STEPS}&every=${EVERY}${TRACE_ONLY ? "&traceOnly" : ""}` : ""}`);
    await page.waitForFunction(() => "tensorloomCheck" in globalThis);
    const r = await Promise.race([
      page.evaluate(() => (globalThis as unknown as { tensorloomCheck: Promise<WebGpuPageReport | { error: string }> }).tensorloomCheck),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`test:webgpu: the page did not finish within ${PAGE_TIMEOUT_MS / 1000} s`)),
          PAGE_TIMEOUT_MS,
        ).unref(),
      ),
    ]);
    if ("error" in r) throw new Error(`test:webgpu: the page failed: ${r.error}`);
    report = r;
    console.log(`Chromium ${context.browser()?.version() ?? "(version unknown)"}, adapter: ${report.adapter}`);
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }

  console.log(
    `PyTorch fixtures on the webgpu backend (float32 on the GPU, float64 on the CPU fallback), ${(report.ms.fixtures / 1000).toFixed(1)} s:`,
  );
  const failed: string[] = [];
  for (const f of report.families) {
    const mark = f.passed === f.total ? "ok  " : "FAIL";
    console.log(`  ${mark} ${f.family} ${f.dtype}: ${f.passed}/${f.total}`);
    for (const e of f.failures) console.log(`         ${e}`);
    if (f.passed !== f.total) failed.push(`${f.family} ${f.dtype}`);
  }
  for (const fam of TRACE_ONLY ? [] : REQUIRED)
    assert.ok(
      report.families.some((f) => f.family === fam),
      `family ${fam} did not run`,
    );
  const groups = new Map<string, { passed: number; total: number }>();
  for (const c of report.checks) {
    const g = groups.get(c.group) ?? { passed: 0, total: 0 };
    g.total++;
    if (c.ok) g.passed++;
    groups.set(c.group, g);
    if (!c.ok) {
      console.log(`  FAIL ${c.group}: ${c.name}: ${c.detail ?? ""}`);
      failed.push(`${c.group}: ${c.name}`);
    }
  }
  console.log(`Checks against wasm and of tensor behaviour, ${(report.ms.checks / 1000).toFixed(1)} s:`);
  for (const [g, { passed, total }] of groups) console.log(`  ${passed === total ? "ok  " : "FAIL"} ${g}: ${passed}/${total}`);
  for (const c of report.checks) if (c.group === "training") console.log(`  ${c.name}`);
  console.log(
    `GPU memory after the run: ${report.memory.liveBytes} bytes held by live tensors, ${report.memory.pooledBytes} pooled, ${report.memory.finalized} buffers returned by the collector`,
  );
  if (report.trace.length > 0) {
    console.log(`GPU memory over ${STEPS} training steps (${(report.ms.trace / 1000).toFixed(1)} s):`);
    for (const line of formatMemoryTrace(report.trace)) console.log(`  ${line}`);
    failed.push(...memoryTraceFailures(report.trace));
  }
  console.log(`test:webgpu: ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
  assert.deepEqual(failed, [], "test:webgpu: failures above");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
