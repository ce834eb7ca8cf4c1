// GPU memory over a training loop on webgpu in Node: 400 steps of a small MLP with Adam (the
// fused optimStep kernel; TENSORLOOM_WEBGPU_MEMORY_STEPS sets another count, sampled 8 times),
// through the `webgpu` package (Dawn), on SwiftShader when no GPU exists
// (test/support/webgpuNode.ts). test/support/memoryTrace.ts runs the loop and
// memoryFlat.ts judges it: no leak (live bytes after a full collection never rise) and no upward
// trend in what live and pooled buffers hold. No adapter: the test skips, saying why.

import assert from "node:assert/strict";
import { describe } from "node:test";
import { gpuIt as gpuItIn, useWebGpu } from "../../../test/support/webgpuNode.js";
import { formatMemoryTrace, memoryTraceFailures } from "../../../test/support/memoryFlat.js";
import { memoryTrace } from "../../../test/support/memoryTrace.js";
import { fullCollection } from "../../../test/support/gc.js";

const env = useWebGpu();
// A buffer kept per step shows after a full collection at every later sample, so a few hundred
// steps find a leak as surely as thousands (the 10,000-step trace runs in Chromium on request:
// TENSORLOOM_WEBGPU_STEPS in test/browser/webgpu.ts); on SwiftShader each step costs ~45 ms.
const STEPS = Number(process.env.TENSORLOOM_WEBGPU_MEMORY_STEPS ?? 400);
const gpuIt = (name: string, fn: () => Promise<void>): void => gpuItIn(env, name, fn);

describe("GPU memory over a long training loop", () => {
  gpuIt(`stays flat over ${STEPS} steps of an MLP with Adam`, async () => {
    const every = Math.max(1, Math.floor(STEPS / 8));
    const { trace, losses } = await memoryTrace({ steps: STEPS, every, optimizer: "adam", gc: fullCollection() });
    console.log(`# GPU memory, ${env.ctx.finalized} buffers returned by the collector:`);
    for (const line of formatMemoryTrace(trace)) console.log(`#   ${line}`);
    assert.ok(losses.at(-1)! < losses[0]!, `the model learns: loss ${losses[0]} -> ${losses.at(-1)}`);
    assert.deepEqual(memoryTraceFailures(trace), []);
  });
});
