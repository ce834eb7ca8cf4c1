// Shared timing for the benchmarks: warm up, then the median of several runs, and a table of
// times and ratios. Absolute times on shared 2-core machines are noise; ratios within one
// process run are the figures to read.
//
// A benchmark file exports Workloads (one builder per library, run on the active backend) and
// measures them with measureAll over a list of Impls (tensorloom on a backend / thread count,
// TF.js on a backend). bench/all.ts reuses every file's workloads in one process.

import { availableParallelism } from "node:os";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tl from "../src/index.js";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

export interface Row {
  workload: string;
  /** Milliseconds per implementation; a string says why there is no time ("unsupported", "skipped"). */
  times: Record<string, number | null | string>;
}

/** One library's prepared workload: `run` is timed, `dispose` frees what the builder made. */
export interface Cell {
  run: () => unknown | Promise<unknown>;
  dispose?: () => void;
}

export interface Workload {
  /** Stable name, shared with bench/pytorch.py's JSON. */
  key: string;
  /** What the table shows (sizes included). */
  label: string;
  /** Floating-point operations of one run, for GFLOP/s (matmul). */
  flops?: number;
  /** Build inputs on the active tensorloom backend. */
  tensorloom?: () => Cell;
  /** Build inputs on the active TF.js backend. */
  tfjs?: () => Cell;
  /** Columns known to take > 5 s per run here: they run once (no warm-up); --skip-slow skips them. */
  slow?: string[];
}

export interface Impl {
  column: string;
  /** "external": another process measures the workload by key (PyTorch: bench/pytorch.py --serve). */
  lib: "tensorloom" | "tfjs" | "external";
  /** For "external": the workload's time in ms, or why there is none. */
  external?: (key: string) => Promise<number | string>;
  /** Switch to this implementation's backend (and thread count). */
  enter: () => Promise<void>;
  /** Only these workload keys (default: all). */
  only?: string[];
}

export const cores = availableParallelism();

/** tensorloom on `backend`; for wasm, `threads` (default: every core) via tl.setNumThreads. */
export function tensorloomImpl(backend: tl.BackendName, threads?: number, column = `tensorloom-${backend}`): Impl {
  return {
    column,
    lib: "tensorloom",
    enter: async () => {
      await tl.ready();
      tl.setBackend(backend);
      tl.setNumThreads(threads ?? cores);
    },
  };
}

export function tfjsImpl(backend: "cpu" | "wasm"): Impl {
  return {
    column: `tfjs-${backend}`,
    lib: "tfjs",
    enter: async () => {
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to initialize`);
      await tf.ready();
      tf.tensor([0]).dispose(); // the cpu backend's one-time console banner, before any progress line
    },
  };
}

/** tensorloom on every available backend, then TF.js cpu and wasm: the default columns. */
export function defaultImpls(): Impl[] {
  const backends = tl.availableBackends().sort((a, b) => (a === "wasm" ? -1 : b === "wasm" ? 1 : 0)); // wasm, the base, first
  return [...backends.map((b) => tensorloomImpl(b)), tfjsImpl("cpu"), tfjsImpl("wasm")];
}

export interface BenchOptions {
  /** Timed runs after the warm-up (median). */
  runs: number;
  /** Skip the cells a workload lists as slow. */
  skipSlow: boolean;
  /** A cell whose warm-up took longer than this runs no more: the warm-up is its one run. */
  slowMs?: number;
  /** Time budget for a cell's timed runs after the warm-up. */
  maxMs?: number;
  /**
   * Two columns measured in turn: on every other workload (shifted by `round`) the second runs
   * first, so neither always gets the process warmed by the other (the 2-thread and 1-thread
   * cells: whichever ran second measured up to ~20% faster).
   */
  alternate?: readonly [string, string];
  /** The round number (see `alternate`). */
  round?: number;
}

/** `impls` with the two `alternate` columns' places exchanged on every other workload. */
function orderFor(impls: Impl[], o: BenchOptions, i: number): Impl[] {
  if (!o.alternate || (i + (o.round ?? 0)) % 2 === 0) return impls;
  const [a, b] = o.alternate;
  const ia = impls.findIndex((x) => x.column === a),
    ib = impls.findIndex((x) => x.column === b);
  if (ia < 0 || ib < 0) return impls;
  const out = [...impls];
  [out[ia], out[ib]] = [impls[ib]!, impls[ia]!];
  return out;
}

export function parseArgs(defaultRuns: number): BenchOptions & { quick: boolean; pytorch: boolean } {
  const quick = process.argv.includes("--quick");
  return {
    quick,
    runs: quick ? 1 : defaultRuns,
    skipSlow: process.argv.includes("--skip-slow"),
    pytorch: process.argv.includes("--pytorch"),
  };
}

/** True when this module is the script node/tsx was started with (not imported by all.ts). */
export function isMain(metaUrl: string): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(metaUrl));
  } catch {
    return false;
  }
}

export const UNSUPPORTED = "unsupported¹";
/** Footnotes collected while measuring (kernel names a peer lacks, errors). */
export const notes = new Set<string>();

/**
 * Median of `runs` timings after up to three warm-ups (as bench/pytorch.py: JIT tiers need a
 * few runs; measured on the digits epoch: 207, 92, 70, 64, 65, 58 ms for the first six). A slow
 * cell (`once`, or a first run over `slowMs`) stops there: its first, cold run is its time
 * (`cold` = true); warm-ups stop early once they have taken `slowMs` in all. Between runs, outside
 * the timed span, the event loop turns once (a task, not a microtask), as it does between epochs
 * in any program that logs or awaits I/O: without it no FinalizationRegistry callback runs during
 * a whole cell, and tensorloom's wasm memory, whose blocks the collector returns through them,
 * fills its resident budget and spills to host arrays (~13% of a digits epoch, BENCHMARKS.md).
 */
export async function measure(
  fn: () => unknown | Promise<unknown>,
  { runs = 5, once = false, slowMs = 1500, maxMs = 6000, warmups = 3 } = {},
): Promise<{ ms: number; n: number; cold: boolean }> {
  const t0 = performance.now();
  await fn();
  const first = performance.now() - t0;
  if (once || first > slowMs) return { ms: first, n: 1, cold: true };
  for (let w = 1; w < warmups && performance.now() - t0 < slowMs; w++) {
    await betweenRuns();
    await fn();
  }
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    await betweenRuns();
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
    if (performance.now() - start > maxMs) break;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, n: times.length, cold: false };
}

/** One turn of the event loop: the tasks queued meanwhile (finalizer callbacks among them) run. */
const betweenRuns = (): Promise<void> => new Promise((done) => setImmediate(done));

function describeError(impl: Impl, e: unknown): string {
  const msg = (e as Error).message ?? String(e);
  const kernel = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(msg);
  if (kernel) {
    const what: Record<string, string> = {
      Conv2DBackpropFilter: "the conv2d weight gradient",
      DepthwiseConv2dNativeBackpropInput: "the depthwise conv2d input gradient",
      DepthwiseConv2dNativeBackpropFilter: "the depthwise conv2d weight gradient",
    };
    notes.add(
      `¹ TF.js's ${kernel[2]} backend has no \`${kernel[1]}\` kernel (${what[kernel[1]!] ?? "a gradient kernel"}): training through it throws there.`,
    );
    return UNSUPPORTED;
  }
  console.error(`${impl.column}: ${msg}`);
  return `error (${msg.split("\n")[0]!.slice(0, 60)})`;
}

export interface Measured {
  rows: Row[];
  /** Timed runs per cell; 0 = a slow cell whose one, cold run is its time. */
  counts: Record<string, Record<string, number>>;
}

/**
 * Measure every workload on every implementation, workload by workload: all implementations of
 * one workload run within the same few seconds, so a change in the host's load (it comes and
 * goes over seconds here) moves the workload's ratios less than when each implementation ran
 * all its workloads in turn. Switching backends between cells costs microseconds.
 */
export async function measureAll(ws: Workload[], impls: Impl[], o: BenchOptions): Promise<Measured> {
  const rows: Row[] = ws.map((w) => ({ workload: w.label, times: {} }));
  const counts: Record<string, Record<string, number>> = {};
  for (const [i, w] of ws.entries()) {
    for (const impl of orderFor(impls, o, i)) {
      if (impl.only && !impl.only.includes(w.key)) continue;
      if (impl.lib === "external") {
        process.stderr.write(`  ${impl.column}: ${w.key} ... `);
        const v = await impl.external!(w.key);
        rows[i]!.times[impl.column] = v;
        if (typeof v === "number") (counts[w.key] ??= {})[impl.column] = o.runs;
        process.stderr.write(`${typeof v === "number" ? `${v.toFixed(1)} ms` : v}\n`);
        continue;
      }
      const build = impl.lib === "tensorloom" ? w.tensorloom : w.tfjs;
      if (!build) continue;
      const slow = w.slow?.includes(impl.column) ?? false;
      if (slow && o.skipSlow) {
        rows[i]!.times[impl.column] = "skipped";
        continue;
      }
      await impl.enter();
      process.stderr.write(`  ${impl.column}: ${w.key} ... `);
      let cell: Cell | undefined;
      try {
        cell = build();
        const { ms, n, cold } = await measure(cell.run, { runs: o.runs, once: slow, slowMs: o.slowMs, maxMs: o.maxMs });
        rows[i]!.times[impl.column] = ms;
        (counts[w.key] ??= {})[impl.column] = cold ? 0 : n;
        process.stderr.write(`${ms.toFixed(1)} ms (${cold ? "one cold run" : `median of ${n} after warm-ups`})\n`);
      } catch (e) {
        rows[i]!.times[impl.column] = describeError(impl, e);
        process.stderr.write(`${rows[i]!.times[impl.column]}\n`);
      } finally {
        cell?.dispose?.();
      }
    }
  }
  return { rows, counts };
}

/** The notes under a table: missing kernels, skipped cells, cells run once. */
export function footnotes(ws: Workload[], counts: Measured["counts"], o: BenchOptions): string[] {
  const skipped = ws.flatMap((w) => (w.slow ?? []).map((c) => `${c} on ${w.key}`));
  return [
    ...notes,
    o.skipSlow && skipped.length ? `"skipped": --skip-slow leaves out the cells known to take > 5 s (${skipped.join("; ")}).` : null,
    onceNote(ws, counts),
  ].filter((n): n is string => n !== null);
}

/** The cells that ran once (slow), as one line for the notes. */
export function onceNote(ws: Workload[], counts: Measured["counts"]): string | null {
  const once = ws.flatMap((w) =>
    Object.entries(counts[w.key] ?? {})
      .filter(([, n]) => n === 0)
      .map(([c]) => `${c} on ${w.key}`),
  );
  return once.length ? `Run once, no warm-up (known to take > 5 s, or the first run took > 1.5 s): ${once.join("; ")}.` : null;
}

export function fmtMs(v: number | null | string | undefined): string {
  return typeof v === "number"
    ? v >= 100
      ? v.toFixed(0)
      : v >= 10
        ? v.toFixed(1)
        : v.toFixed(2)
    : v === null || v === undefined
      ? "-"
      : v;
}

/**
 * A markdown table: each implementation's time, then its ratio to `base` (peer ms / base ms, so
 * > 1 means base is faster). Printed and returned.
 */
export function printTable(rows: Row[], names: string[], base: string, { print = true } = {}): string {
  const header = ["workload", ...names.map((n) => `${n} ms`), ...names.filter((n) => n !== base).map((n) => `${n} / ${base}`)];
  const lines = [header.join(" | "), header.map(() => "---").join(" | ")];
  for (const r of rows) {
    const b = r.times[base];
    const ratios = names
      .filter((n) => n !== base)
      .map((n) => {
        const v = r.times[n];
        return typeof v === "number" && typeof b === "number" ? `${(v / b).toFixed(2)}×` : typeof v === "string" ? v : "-";
      });
    lines.push([r.workload, ...names.map((n) => fmtMs(r.times[n])), ...ratios].join(" | "));
  }
  const table = lines.map((l) => `| ${l} |`).join("\n");
  if (print) console.log(table);
  return table;
}

/** GFLOP/s per implementation for the workloads that declare their flops. */
export function gflopsTable(ws: Workload[], rows: Row[], names: string[]): string {
  const header = ["workload", ...names.map((n) => `${n} GFLOP/s`)];
  const lines = [header.join(" | "), header.map(() => "---").join(" | ")];
  for (const [i, w] of ws.entries()) {
    if (!w.flops) continue;
    const cells = names.map((n) => {
      const v = rows[i]!.times[n];
      return typeof v === "number" ? (w.flops! / (v * 1e6)).toFixed(w.flops! / (v * 1e6) >= 10 ? 1 : 2) : fmtMs(v);
    });
    lines.push([w.label, ...cells].join(" | "));
  }
  return lines.map((l) => `| ${l} |`).join("\n");
}

/** The header line every benchmark prints: date, versions, threads. */
export function context(what: string, o: BenchOptions): string {
  return `${what}, ${new Date().toISOString()}, node ${process.version}, tfjs ${tf.version.tfjs}, ${cores} cores (tensorloom-wasm: ${cores} thread${cores > 1 ? "s" : ""}), median of ${o.runs} run(s) after up to 3 warm-ups (fewer where they take over 1.5 s)`;
}
