// The randomized differential test against PyTorch 1.13 (issue #13): every case of
// test/fixtures/differential (scripts/fixtures/make_differential.py: convolutions and their
// transposes, pooling, padding, RNN/LSTM/GRU, losses, reductions, broadcasting binary ops,
// indexing, cumsum/cumprod, sort/argsort/topk, unfold/fold, matmul, embedding, activations,
// softmax, layer/batch norm, including configurations PyTorch rejects) on the current backend in
// float64 and float32. One test per op and dtype; its failure lists the first failing cases
// with their configuration and expected vs got.
//
// known_failures.json lists cases that fail today, each with a one-line reason (and optionally
// the backends/dtypes where it fails). A listed case that fails is reported but does not fail the
// test; a listed case that passes does, so the list is emptied as fixes land.
// TENSORLOOM_DIFF_REPORT=<file> writes every failure (listed or not) as JSON lines;
// test/support/updateDifferentialKnown.ts rebuilds the list after the data is regenerated.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tl from "../../src/index.js";
import { BACKENDS, type FloatType } from "../support/fixtures.js";
import { type DiffCase, RUNNERS, describeCase, judgeDifferentialCase, loadDifferentialCases } from "../support/differential.js";

interface KnownFailure {
  id: string;
  reason: string;
  /** Backend configurations (reference, wasm, wasm-nofma) where it fails; all when absent. */
  backends?: string[];
  dtypes?: FloatType[];
}

const here = dirname(fileURLToPath(import.meta.url));
const known: KnownFailure[] = JSON.parse(readFileSync(resolve(here, "known_failures.json"), "utf8")).failures;
const cases = loadDifferentialCases();
const byOp = new Map<string, DiffCase[]>();
for (const c of cases) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);

/** The runner's name for the backend configuration (scripts/runTests.mjs). */
function configName(backend: tl.BackendName): string {
  return backend === "wasm" && process.env.TENSORLOOM_WASM_FMA === "0" ? "wasm-nofma" : backend;
}

function knownFor(id: string, config: string, dtype: FloatType): KnownFailure | undefined {
  return known.find((k) => k.id === id && (!k.backends || k.backends.includes(config)) && (!k.dtypes || k.dtypes.includes(dtype)));
}

const SHOW = 6;

describe("differential data", () => {
  it("has at least 2,000 cases, every op has a runner, every known failure names a case", () => {
    assert.ok(cases.length >= 2000, `only ${cases.length} cases`);
    const ids = new Set(cases.map((c) => c.id));
    assert.equal(ids.size, cases.length, "case ids are unique");
    assert.deepEqual(
      [...byOp.keys()].filter((op) => !RUNNERS[op]),
      [],
      "ops without a runner",
    );
    assert.deepEqual(
      known.filter((k) => !ids.has(k.id)).map((k) => k.id),
      [],
      "known failures that name no case",
    );
  });
});

for (const backend of BACKENDS) {
  const config = configName(backend);
  describe(`differential vs PyTorch on ${config}`, () => {
    for (const [op, list] of byOp) {
      const missing = (() => {
        try {
          return !RUNNERS[op]![0]();
        } catch {
          return true;
        }
      })();
      for (const dtype of ["float64", "float32"] as FloatType[]) {
        it(`${op} ${dtype} (${list.length} cases)`, { skip: missing ? `tensorloom has no ${op} yet` : false }, (t) => {
          tl.setBackend(backend);
          const failed: string[] = [],
            stale: string[] = [];
          let knownFailed = 0,
            rejected = 0;
          for (const c of list) {
            if (c.error !== undefined) rejected++;
            const why = judgeDifferentialCase(c, dtype);
            const k = knownFor(c.id, config, dtype);
            if (why !== null && process.env.TENSORLOOM_DIFF_REPORT) {
              appendFileSync(
                process.env.TENSORLOOM_DIFF_REPORT,
                JSON.stringify({ config, dtype, op, id: c.id, known: !!k, case: describeCase(c), why }) + "\n",
              );
            }
            if (why === null && k) stale.push(`${c.id} passes now: remove it from test/differential/known_failures.json ("${k.reason}")`);
            else if (why !== null && k) knownFailed++;
            else if (why !== null) failed.push(`${describeCase(c)}\n      -> ${why}`);
          }
          const passed = list.length - failed.length - knownFailed;
          t.diagnostic(
            `${op} ${dtype} on ${config}: ${list.length} cases (${rejected} rejected by PyTorch), ${passed} passed, ${failed.length + knownFailed} failed (${knownFailed} known)`,
          );
          const problems = [
            ...(failed.length
              ? [
                  `${failed.length} of ${list.length} cases differ from PyTorch (first ${Math.min(SHOW, failed.length)}):\n    ${failed.slice(0, SHOW).join("\n    ")}`,
                ]
              : []),
            ...(stale.length ? [`${stale.length} known failures pass:\n    ${stale.join("\n    ")}`] : []),
          ];
          assert.ok(problems.length === 0, `${op} ${dtype} on ${config}: ${problems.join("\n  ")}`);
        });
      }
    }
  });
}
