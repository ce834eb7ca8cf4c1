// Whether a GPU memory trace (./memoryTrace.ts) is flat. Kept apart from the loop so the Node
// side of test/browser/webgpu.ts judges the page's samples without loading the library. Two
// questions with different answers, judged apart:
// - a leak: after a full collection the live bytes never exceed what they were at the first
//   sample (parameters, gradients and optimizer state);
// - the collector's lag: without a forced collection, tensors wait for the next collection, so
//   live + pooled bytes swing with it; the most held at once must not trend upward (the pool
//   decays to what the loop reuses between collections, src/backends/webgpu/device.ts).

export interface MemorySample {
  step: number;
  liveBytes: number;
  pooledBytes: number;
  /** The most bytes live + pooled held at once since the previous sample. */
  peakBytes: number;
  /** Buffers the collector gave back so far. */
  finalized: number;
  /** Live bytes after a full collection, where one can be requested. */
  liveAfterGc?: number;
}

/** One line per sample, for the test's output. */
export function formatMemoryTrace(trace: readonly MemorySample[]): string[] {
  return trace.map(
    (t) =>
      `step ${t.step}: live ${t.liveBytes} + pooled ${t.pooledBytes} = ${t.liveBytes + t.pooledBytes} bytes (at most ${t.peakBytes} since the previous line)${t.liveAfterGc === undefined ? "" : `, ${t.liveAfterGc} live after a full collection`}; ${t.finalized} buffers collected so far`,
  );
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * What is wrong with a trace (empty: flat), comparing its first half with its second:
 * - a leak: the live bytes after a full collection are lowest in the second half above their
 *   lowest in the first (a leak raises every later sample; a tensor still held at one sample,
 *   as the step's loss and its last gradients may be, raises one);
 * - a trend: the median of what live + pooled buffers held at most between samples is more than
 *   1.5x (plus 1 MiB) its median in the first half. Medians, because one unusually late
 *   collection makes one high window, and that is the collector's lag, not growth.
 */
export function memoryTraceFailures(trace: readonly MemorySample[]): string[] {
  if (trace.length < 4) return [`the memory trace has ${trace.length} samples; it needs at least 4`];
  const failures: string[] = [];
  const half = Math.ceil(trace.length / 2);
  const early = trace.slice(0, half),
    late = trace.slice(half);
  const afterGc = (ts: readonly MemorySample[]): number[] => ts.flatMap((t) => (t.liveAfterGc === undefined ? [] : [t.liveAfterGc]));
  if (afterGc(trace).length === trace.length) {
    const a = Math.min(...afterGc(early)),
      b = Math.min(...afterGc(late));
    if (b > a)
      failures.push(`a leak: at least ${b} bytes live after a full collection from step ${late[0]!.step} on, at least ${a} before`);
  }
  const a = median(early.map((t) => t.peakBytes)),
    b = median(late.map((t) => t.peakBytes));
  if (b > 1.5 * a + 2 ** 20)
    failures.push(
      `GPU memory grew: the median of the most held between samples was ${a} bytes up to step ${early.at(-1)!.step}, ${b} after`,
    );
  return failures;
}
