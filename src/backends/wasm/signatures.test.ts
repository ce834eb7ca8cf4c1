// The typed kernel boundary: the pool kernels' argument order (signatures.ts) is the
// AssemblyScript signatures' order, and the wasm backend's kernel table names every kernel of the
// Backend interface (the reference backend is complete by its type).
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import type { Backend, KernelTable } from "../backend.js";
import { referenceBackend } from "../reference/index.js";
import { loadWasmBackend, wasmCoverage, type WasmBackend } from "./index.js";
import { KERNELS, POOL_KERNEL_PARAMS, rowOf } from "./signatures.js";

const assemblyDir = new URL("./assembly/", import.meta.url);

/** Every `export function name(params)` in assembly/*.ts: name -> parameter names in order. */
function assemblySignatures(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of readdirSync(assemblyDir).filter((f) => f.endsWith(".ts"))) {
    const src = readFileSync(new URL(file, assemblyDir), "utf8");
    for (const m of src.matchAll(/export function (\w+)\s*\(([^)]*)\)/g)) {
      out.set(
        m[1]!,
        m[2]!
          .split(",")
          .map((p) => p.trim())
          .filter((p) => p !== "")
          .map((p) => p.split(":")[0]!.trim()),
      );
    }
  }
  return out;
}

describe("wasm kernel boundary", () => {
  it("each pool kernel's argument names and order are those of its AssemblyScript signature", () => {
    const sigs = assemblySignatures();
    for (const k of KERNELS) {
      assert.deepEqual([...POOL_KERNEL_PARAMS[k]], sigs.get(k), `${k}: signatures.ts and assembly/*.ts disagree`);
    }
  });

  it("rowOf lays a struct out in the signature's order", () => {
    const args = { m: 1, n: 2, k: 3, a: 4, ars: 5, acs: 6, b: 7, brs: 8, bcs: 9, c: 10, ldc: 11, accumulate: 12, scratch: 13 };
    assert.deepEqual(rowOf("sgemm", args), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it("the wasm kernel table names every kernel of the backend interface, each a wasm wrapper or the reference kernel", () => {
    const wasm = loadWasmBackend() as WasmBackend;
    const all = (Object.keys(referenceBackend) as (keyof Backend)[]).filter((k): k is keyof KernelTable => k !== "name").sort();
    assert.deepEqual(Object.keys(wasm.kernels).sort(), all);
    const coverage = wasmCoverage(wasm);
    for (const k of all) assert.equal(wasm[k], wasm.kernels[k], `the backend runs its table's ${k}`);
    // the accelerated families: a change here is a deliberate change of what runs in wasm
    const accelerated = Object.entries(coverage)
      .filter(([, where]) => where === "wasm")
      .map(([k]) => k)
      .sort();
    assert.deepEqual(accelerated, [
      "avgPool",
      "avgPoolBackward",
      "binary",
      "convBackward",
      "convBackwardInput",
      "convBackwardWeight",
      "convForward",
      "copyStrided",
      "gruCell",
      "gruCellBackward",
      "gruSequence",
      "gruSequenceBackward",
      "indexSelect",
      "logSoftmax",
      "lstmCell",
      "lstmCellBackward",
      "lstmSequence",
      "lstmSequenceBackward",
      "matmul",
      "maxPool",
      "optimStep",
      "reduce",
      "scatterAdd",
      "unary",
    ]);
  });
});
