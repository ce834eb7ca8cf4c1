// GPU memory over a long training loop on webgpu in Node: 2,000 steps of a linear model with
// Adam (the fused optimStep kernel) keep the bytes in live and pooled buffers flat; the test prints
// them. Runs through the `webgpu` package (Dawn), on SwiftShader when no GPU exists (set here as
// kernels.test.ts does); 140 s there on a loaded 2-core machine. No adapter: the test skips, saying why.

import { existsSync } from "node:fs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as tl from "../../index.js";
import { kernels } from "../index.js";
import type { GpuContext } from "./device.js";
import { RUN_ONCE } from "../../../test/support/runOnce.js";

const SWIFTSHADER = "/usr/lib/chromium/vk_swiftshader_icd.json";
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
process.env.XDG_RUNTIME_DIR ??= "/tmp";

let skip: string | null = "not initialised";
let ctx: GpuContext;
/** The Dawn instance: it must outlive the device. */
let instance: GPU | null = null;

before(async () => {
  if (!RUN_ONCE) {
    skip = "the webgpu backend does not depend on the CPU configuration: this file runs once, in the plain wasm one";
    return;
  }
  try {
    const { create, globals } = (await import("webgpu")) as { create: (o: string[]) => GPU; globals: object };
    Object.assign(globalThis, globals);
    await tl.ready();
    instance = create([]);
    await tl.initWebGpu({ gpu: instance });
    tl.setBackend("webgpu");
    ctx = (kernels() as unknown as { context: GpuContext }).context;
    skip = null;
  } catch (e) {
    skip = `webgpu unavailable here (${String((e as Error)?.message ?? e).split("\n")[0]}); set VK_ICD_FILENAMES to a Vulkan driver (e.g. ${SWIFTSHADER} from Debian's chromium)`;
    console.log(`# SKIP: ${skip}`);
  }
});

after(() => {
  if (skip) return;
  tl.setBackend("wasm");
  // Dawn aborts when Node tears down its event loop normally; exiting explicitly is clean
  process.once("beforeExit", () => process.exit(process.exitCode ?? 0));
});

function gpuIt(name: string, fn: () => Promise<void>): void {
  it(name, async (t) => {
    if (skip) {
      t.skip(skip);
      return;
    }
    await fn();
  });
}

// ------------------------------------------------------------------------- memory

describe("GPU memory over a long training loop", () => {
  gpuIt("stays flat over 2,000 steps of a linear model with Adam", async () => {
    tl.setBackend("webgpu");
    const g = new tl.Generator(3);
    const X = tl.randn([64, 8], { generator: g }),
      Y = tl.randn([64, 3], { generator: g });
    const w = tl.randn([8, 3], { generator: g }).mul(0.3).requiresGrad_();
    const opt = new tl.optim.Adam([w], { lr: 1e-2 });
    const trace: { step: number; bytes: number }[] = [];
    let first = 0,
      last = 0;
    for (let s = 1; s <= 2000; s++) {
      opt.zeroGrad();
      const loss = X.matmul(w).sub(Y).square().mean();
      loss.backward();
      opt.step();
      if (s % 10 === 0) {
        const v = await loss.itemAsync(); // lets the collector run
        if (s === 10) first = v;
        last = v;
      }
      if (s % 250 === 0) trace.push({ step: s, bytes: ctx.liveBytes + ctx.pooledBytes });
    }
    console.log(
      `# GPU memory (live + pooled bytes): ${trace.map((t) => `step ${t.step}: ${t.bytes}`).join(", ")}; ${ctx.finalized} buffers returned by the collector; loss ${first.toFixed(4)} -> ${last.toFixed(4)}`,
    );
    assert.ok(last < first, "the model learns");
    const start = trace[0]!.bytes,
      peak = Math.max(...trace.map((t) => t.bytes));
    assert.ok(peak <= 1.5 * start + 2 ** 20, `GPU memory grew: ${start} bytes at step 250, ${peak} at the peak`);
  });
});
