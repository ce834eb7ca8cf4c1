// The flatness judge of the GPU memory trace (memoryFlat.ts) on made-up traces: it must catch a
// leak and a ratchet, and let the collector's lag (one high window) pass.
import assert from "node:assert/strict";
import { it } from "node:test";
import { type MemorySample, memoryTraceFailures } from "./memoryFlat.js";

const trace = (peaks: number[], afterGc: number[]): MemorySample[] =>
  peaks.map((peakBytes, i) => ({
    step: 1000 * (i + 1),
    liveBytes: 0,
    pooledBytes: peakBytes,
    peakBytes,
    finalized: 0,
    liveAfterGc: afterGc[i],
  }));

it("passes a flat trace with one late collection, and a tensor still held at one sample", () => {
  assert.deepEqual(
    memoryTraceFailures(trace([1e6, 1.4e6, 1e6, 1.8e6, 1e6, 1.2e6, 9e6, 1e6], [2352, 17744, 2352, 2352, 2352, 2352, 2352, 2352])),
    [],
  );
});

it("catches a leak: live bytes after a full collection that stay higher", () => {
  const f = memoryTraceFailures(trace([1e6, 1e6, 1e6, 1e6, 1e6, 1e6], [2352, 2400, 2448, 2496, 2544, 2592]));
  assert.equal(f.length, 1);
  assert.match(f[0]!, /a leak: at least 2496 bytes live after a full collection from step 4000 on, at least 2352 before/);
});

it("catches growth: what the pool and live tensors hold rising window after window", () => {
  const f = memoryTraceFailures(trace([1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 7e6, 8e6], [2352, 2352, 2352, 2352, 2352, 2352, 2352, 2352]));
  assert.equal(f.length, 1);
  assert.match(f[0]!, /GPU memory grew/);
});

it("needs enough samples to judge", () => {
  assert.match(memoryTraceFailures(trace([1, 1], [1, 1]))[0]!, /needs at least 4/);
});
