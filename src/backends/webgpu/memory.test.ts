// GPU memory over a long training loop on webgpu in Node: 2,000 steps of a linear model with
// Adam (the fused optimStep kernel) keep the bytes in live and pooled buffers flat; the test prints
// them. Runs through the `webgpu` package (Dawn), on SwiftShader when no GPU exists
// (test/support/webgpuNode.ts); 140 s there on a loaded 2-core machine. No adapter: the test skips, saying why.

import assert from "node:assert/strict";
import { describe } from "node:test";
import * as tl from "../../index.js";
import { gpuIt as gpuItIn, useWebGpu } from "../../../test/support/webgpuNode.js";

const env = useWebGpu();
const gpuIt = (name: string, fn: () => Promise<void>): void => gpuItIn(env, name, fn);

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
      if (s % 250 === 0) trace.push({ step: s, bytes: env.ctx.liveBytes + env.ctx.pooledBytes });
    }
    console.log(
      `# GPU memory (live + pooled bytes): ${trace.map((t) => `step ${t.step}: ${t.bytes}`).join(", ")}; ${env.ctx.finalized} buffers returned by the collector; loss ${first.toFixed(4)} -> ${last.toFixed(4)}`,
    );
    assert.ok(last < first, "the model learns");
    const start = trace[0]!.bytes,
      peak = Math.max(...trace.map((t) => t.bytes));
    assert.ok(peak <= 1.5 * start + 2 ** 20, `GPU memory grew: ${start} bytes at step 250, ${peak} at the peak`);
  });
});
