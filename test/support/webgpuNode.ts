// The webgpu backend in Node tests (src/backends/webgpu/*.test.ts): Dawn through the `webgpu`
// package; without a GPU, Chromium's SwiftShader Vulkan driver (a CPU implementation) when
// VK_ICD_FILENAMES names it, which this module sets when unset and the driver is installed. The
// backend does not depend on the CPU configuration, so these files run once, in the plain wasm one
// (RUN_ONCE). No adapter: every test skips, saying why.

import { existsSync } from "node:fs";
import { register } from "node:module";
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import * as tl from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import type { Backend } from "../../src/backends/backend.js";
import type { GpuContext } from "../../src/backends/webgpu/device.js";
import { RUN_ONCE } from "./runOnce.js";
import { runFixtureCases } from "./webgpuFixtures.js";

const SWIFTSHADER = "/usr/lib/chromium/vk_swiftshader_icd.json";
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
process.env.XDG_RUNTIME_DIR ??= "/tmp";

/** The webgpu backend once `useWebGpu()`'s before-hook has run: `skip` says why it is not there. */
export interface WebGpuTestEnv {
  /** Why the tests skip (not the wasm configuration, no webgpu package, no adapter), or null. */
  skip: string | null;
  /** The webgpu kernels (kernels() while the backend is active). */
  gpu: Backend;
  /** Its device context: storages, pool counters. */
  ctx: GpuContext;
}

/** The Dawn instance: it must outlive the device (collected, it frees what the device's event loop still uses). */
let instance: GPU | null = null;

/**
 * Start the webgpu backend before the file's tests and make it active; switch back to wasm after
 * them. Call once, at a test file's top level.
 */
export function useWebGpu(): WebGpuTestEnv {
  const env = { skip: "not initialised" } as WebGpuTestEnv;
  before(async () => {
    if (!RUN_ONCE) {
      env.skip = "the webgpu backend does not depend on the CPU configuration: this file runs once, in the plain wasm one";
      return;
    }
    try {
      const { create, globals } = (await import("webgpu")) as { create: (o: string[]) => GPU; globals: object };
      Object.assign(globalThis, globals);
      await tl.ready();
      instance ??= create([]);
      await tl.initWebGpu({ gpu: instance });
      tl.setBackend("webgpu");
      env.gpu = kernels();
      env.ctx = (env.gpu as unknown as { context: GpuContext }).context;
      env.skip = null;
    } catch (e) {
      env.skip = `webgpu unavailable here (${String((e as Error)?.message ?? e).split("\n")[0]}); set VK_ICD_FILENAMES to a Vulkan driver (e.g. ${SWIFTSHADER} from Debian's chromium)`;
      console.log(`# SKIP: ${env.skip}`);
    }
  });
  after(() => {
    if (env.skip) return;
    tl.setBackend("wasm");
    // Dawn aborts when Node tears down its event loop normally; exiting explicitly is clean
    process.once("beforeExit", () => process.exit(process.exitCode ?? 0));
  });
  return env;
}

/** A test that runs only once the webgpu backend is up (skipped, with the reason, otherwise). */
export function gpuIt(env: WebGpuTestEnv, name: string, fn: () => Promise<void>): void {
  it(name, async (t) => {
    if (env.skip) {
      t.skip(env.skip);
      return;
    }
    await fn();
  });
}

/**
 * Run the fixture families that the test files `files` (URLs) register, on the webgpu backend:
 * node:test resolves to the browser page's shim for those files and the fixture support, so their
 * cases are collected, not run; each is then run here. Prints a pass count per family and dtype,
 * asserts every case passed, and returns the family names that ran.
 */
export async function runFixtureFilesOnWebGpu(files: readonly URL[]): Promise<string[]> {
  // import.meta.resolve, not a URL from import.meta.url: the modules are the .ts sources under tsx
  // and their transpiled .js under scripts/runTests.mjs.
  const shim = import.meta.resolve("../browser/shims/nodeTest.js");
  const parents = [...files.map((f) => f.href), import.meta.resolve("./fixtures.js")];
  const hook = `const parents = ${JSON.stringify(parents)};
export async function resolve(specifier, context, next) {
  if (specifier === "node:test" && parents.some((p) => context.parentURL?.startsWith(p))) return next(${JSON.stringify(shim)}, context);
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  tl.setBackend("webgpu");
  const fixtures = await import("./fixtures.js");
  assert.deepEqual(fixtures.BACKENDS, ["webgpu"], "the fixture support must pick the webgpu backend");
  for (const f of files) await import(f.href);
  const { registered } = (await import("../browser/shims/nodeTest.js")) as typeof import("../browser/shims/nodeTest.js");
  const report = await runFixtureCases(registered, fixtures.deferredChecks);
  let failed = 0;
  const key = (r: { family: string; dtype: string }): string => `${r.family} ${r.dtype}`;
  for (const r of report.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))) {
    console.log(`# webgpu fixtures ${r.family} ${r.dtype}: ${r.passed}/${r.total}`);
    for (const f of r.failures.slice(0, 3)) console.log(`#   ${f}`);
    failed += r.total - r.passed;
  }
  assert.ok(report.length > 0, "no fixture cases registered");
  assert.equal(failed, 0, "fixture cases failed on webgpu (listed above)");
  return [...new Set(report.map((r) => r.family))];
}
