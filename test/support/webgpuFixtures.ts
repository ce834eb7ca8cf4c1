// Running the PyTorch fixture families on the webgpu backend: their own test files register cases
// through the node:test shim (test/browser/shims/nodeTest.ts) instead of node:test, and this runs
// each "<family> fixtures on webgpu" case, awaiting the GPU reads its assertions deferred
// (test/support/fixtures.ts, deferredChecks). One runner for the browser page
// (test/browser/webgpuPage.ts) and the Node tests (test/support/webgpuNode.ts).

import * as tl from "../../src/index.js";
import type { RegisteredCase } from "../browser/shims/nodeTest.js";

/** Per family and dtype: cases passed, cases run, and the first failures. */
export interface FamilyReport {
  family: string;
  dtype: string;
  passed: number;
  total: number;
  failures: string[];
}

/** Where a fixture assertion parks a check that must await a GPU read. */
export interface DeferredChecks {
  sink: ((check: () => Promise<void>) => void) | null;
}

/** Run every registered fixture case on the webgpu backend, family by family (the first 5 failures of each kept). */
export async function runFixtureCases(registered: readonly RegisteredCase[], deferredChecks: DeferredChecks): Promise<FamilyReport[]> {
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
