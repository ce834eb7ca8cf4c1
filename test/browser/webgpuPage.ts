// The page test/browser/webgpu.ts serves: the PyTorch fixture families the webgpu kernels cover,
// run through the same test files Node runs (their node:test, node:fs and node:assert imports
// are shimmed, test/browser/shims), with the webgpu backend active; then webgpuChecks.ts.
import { setupError } from "./webgpuSetup.js";
import * as tl from "../../src/index.js";
import { registered } from "./shims/nodeTest.js";
import { deferredChecks } from "../support/fixtures.js";
import "../../src/ops/elementwise.torch.test.js";
import "../../src/ops/activation.test.js";
import "../../src/ops/reduce.torch.test.js";
import "../../src/ops/shape.torch.test.js";
import "../../src/nn/functional.test.js";
import "../../src/nn/loss.test.js";
import { type CheckResult, memoryTrace, runChecks } from "./webgpuChecks.js";

/** Per family and dtype: cases passed, cases run, and the first failures. */
export interface FamilyReport {
  family: string;
  dtype: string;
  passed: number;
  total: number;
  failures: string[];
}

export interface WebGpuPageReport {
  adapter: string;
  families: FamilyReport[];
  checks: CheckResult[];
  memory: { liveBytes: number; pooledBytes: number; finalized: number };
  /** With ?steps=N: GPU bytes (live, pooled) every 1000 steps of an N-step training loop. */
  trace: { step: number; liveBytes: number; pooledBytes: number }[];
  ms: { fixtures: number; checks: number; trace: number };
}

async function runFixtures(): Promise<FamilyReport[]> {
  const byKey = new Map<string, FamilyReport>();
  for (const c of registered) {
    const m = /^(.*) fixtures on webgpu$/.exec(c.suite[c.suite.length - 1] ?? "");
    if (!m) continue;
    const dtype = c.name.endsWith("float64") ? "float64" : "float32";
    const key = `${m[1]} ${dtype}`;
    let r = byKey.get(key);
    if (!r) byKey.set(key, (r = { family: m[1]!, dtype, passed: 0, total: 0, failures: [] }));
    r.total++;
    const pending: (() => Promise<void>)[] = [];
    deferredChecks.sink = (check) => pending.push(check);
    try {
      await c.fn();
      for (const p of pending) await p();
      r.passed++;
    } catch (e) {
      if (r.failures.length < 5) r.failures.push(`${c.name}: ${String((e as Error)?.message ?? e).slice(0, 300)}`);
    } finally {
      deferredChecks.sink = null;
      tl.setBackend("webgpu");
    }
  }
  return [...byKey.values()];
}

async function main(): Promise<WebGpuPageReport | { error: string }> {
  if (setupError) return { error: setupError };
  const gpu = (navigator as unknown as { gpu: GPU }).gpu;
  const adapter = await gpu.requestAdapter();
  const info = adapter?.info;
  const t0 = performance.now();
  const families = await runFixtures();
  const t1 = performance.now();
  const { results, memory } = await runChecks();
  const t2 = performance.now();
  const steps = Number(new URLSearchParams(location.search).get("steps") ?? 0);
  const trace = steps > 0 ? await memoryTrace(steps) : [];
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
