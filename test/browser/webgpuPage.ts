// The page test/browser/webgpu.ts serves: the PyTorch fixture families the webgpu kernels cover,
// run through the same test files Node runs (their node:test, node:fs and node:assert imports
// are shimmed, test/browser/shims), with the webgpu backend active; then webgpuChecks.ts.
import { setupError } from "./webgpuSetup.js";
import { registered } from "./shims/nodeTest.js";
import { deferredChecks } from "../support/fixtures.js";
import "../../src/ops/elementwise.torch.test.js";
import "../../src/ops/activation.test.js";
import "../../src/ops/reduce.torch.test.js";
import "../../src/ops/shape.torch.test.js";
import "../../src/nn/functional.test.js";
import "../../src/nn/loss.test.js";
import { type CheckResult, runChecks } from "./webgpuChecks.js";
import type { MemorySample } from "../support/memoryFlat.js";
import { memoryTrace } from "../support/memoryTrace.js";
import { type FamilyReport, runFixtureCases } from "../support/webgpuFixtures.js";

export interface WebGpuPageReport {
  adapter: string;
  families: FamilyReport[];
  checks: CheckResult[];
  memory: { liveBytes: number; pooledBytes: number; finalized: number };
  /** With ?steps=N: GPU memory every `every` (1000) steps of an N-step training loop (test/support/memoryTrace.ts). */
  trace: MemorySample[];
  ms: { fixtures: number; checks: number; trace: number };
}

async function main(): Promise<WebGpuPageReport | { error: string }> {
  if (setupError) return { error: setupError };
  const gpu = (navigator as unknown as { gpu: GPU }).gpu;
  const adapter = await gpu.requestAdapter();
  const info = adapter?.info;
  const query = new URLSearchParams(location.search);
  const steps = Number(query.get("steps") ?? 0);
  const traceOnly = query.has("traceOnly");
  const t0 = performance.now();
  const families = traceOnly ? [] : await runFixtureCases(registered, deferredChecks);
  const t1 = performance.now();
  const { results, memory } = traceOnly ? { results: [], memory: { liveBytes: 0, pooledBytes: 0, finalized: 0 } } : await runChecks();
  const t2 = performance.now();
  const every = Number(query.get("every") ?? 1000);
  const gc = (globalThis as { gc?: () => void }).gc;
  const trace = steps > 0 ? (await memoryTrace({ steps, every, optimizer: "sgd", gc })).trace : [];
  const t3 = performance.now();
  return {
    adapter: info ? `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.trim() : "unknown",
    families,
    checks: results,
    memory,
    trace,
    ms: { fixtures: t1 - t0, checks: t2 - t1, trace: t3 - t2 },
  };
}

(globalThis as { tensorloomCheck?: unknown }).tensorloomCheck = main().catch((e: unknown) => ({
  error: `${String(e)}\n${(e as Error)?.stack ?? ""}`,
}));
