// Issue #7's speed targets, checked on the measured tables: each target is a ratio between two
// columns of one round (one measurement of every cell), so a verdict never mixes rounds. With
// several rounds (--rounds N) each target reports every round's ratio and how many rounds met it:
// on this shared host one round can be off by 1.5-2x, and a single lucky or unlucky round should
// not decide a verdict.

import type { Row } from "./harness.js";

export interface Target {
  /** What the issue asks, in words. */
  text: string;
  /** Workload keys the target applies to (a key missing from the run is left out). */
  keys: (all: string[]) => string[];
  /** Ratio = times[num] / times[den] of one row (PyTorch targets: tensorloom's time over PyTorch's); met when `ok(ratio)`. */
  num: string;
  den: string;
  ok: (ratio: number) => boolean;
}

const fmtRatio = (r: number) => `${r.toFixed(r >= 100 ? 0 : r >= 10 ? 1 : 2)}×`;

export const TARGETS: Target[] = [
  { text: "≥ 50× faster than TF.js-cpu, every workload", keys: (a) => a, num: "tfjs-cpu", den: "tensorloom-wasm", ok: (r) => r >= 50 },
  {
    text: "≥ 3× faster than TF.js-wasm where it runs, every workload",
    keys: (a) => a,
    num: "tfjs-wasm",
    den: "tensorloom-wasm",
    ok: (r) => r >= 3,
  },
  {
    text: "LSTM/GRU training step within 1.5× of PyTorch",
    keys: (a) => a.filter((k) => /^(LSTM|GRU) /.test(k)),
    num: "tensorloom-wasm",
    den: "pytorch",
    ok: (r) => r <= 1.5,
  },
  {
    text: "conv2d forward+backward and the digits epoch within 1.5× of PyTorch (#17)",
    keys: (a) => a.filter((k) => k === "conv2d forward+backward" || k === "digits CNN epoch"),
    num: "tensorloom-wasm",
    den: "pytorch",
    ok: (r) => r <= 1.5,
  },
  {
    text: "2 threads never slower than one thread (#17; wasm time over wasm-1t time)",
    keys: (a) => a,
    num: "tensorloom-wasm",
    den: "tensorloom-wasm-1t",
    ok: (r) => r <= 1,
  },
  {
    text: "matmul on one thread at least as fast as TF.js-wasm",
    keys: (a) => a.filter((k) => k.startsWith("matmul")),
    num: "tfjs-wasm",
    den: "tensorloom-wasm-1t",
    ok: (r) => r >= 1,
  },
  {
    text: "matmul with threads faster than TF.js-wasm",
    keys: (a) => a.filter((k) => k.startsWith("matmul")),
    num: "tfjs-wasm",
    den: "tensorloom-wasm",
    ok: (r) => r > 1,
  },
];

/**
 * One line per (target, workload) with a ratio in at least one round: the ratio of every round
 * and "met in k of n". `rounds[r][i]` is round r's row for workload `keys[i]`.
 */
export function targetTable(keys: string[], rounds: Row[][]): string {
  const lines = ["| target | workload | ratio per round | met |", "| --- | --- | --- | --- |"];
  for (const t of TARGETS) {
    for (const key of t.keys(keys)) {
      const i = keys.indexOf(key);
      const ratios = rounds.map((rows) => {
        const a = rows[i]?.times[t.num],
          b = rows[i]?.times[t.den];
        return typeof a === "number" && typeof b === "number" ? a / b : null;
      });
      const measured = ratios.filter((r): r is number => r !== null);
      if (!measured.length) continue; // the peer does not run it (unsupported, skipped, absent)
      const met = measured.filter(t.ok).length;
      lines.push(
        `| ${t.text} | ${key} | ${ratios.map((r) => (r === null ? "-" : fmtRatio(r))).join(", ")} | ${met} of ${measured.length} |`,
      );
    }
  }
  return lines.join("\n");
}

/** The per-cell median over rounds (numbers only; a cell with no number keeps round 0's text). */
export function medianRows(rounds: Row[][]): Row[] {
  return rounds[0]!.map((row, i) => {
    const times: Row["times"] = {};
    for (const col of Object.keys(row.times)) {
      const vs = rounds
        .map((r) => r[i]!.times[col])
        .filter((v): v is number => typeof v === "number")
        .sort((a, b) => a - b);
      times[col] = vs.length ? (vs.length % 2 ? vs[vs.length >> 1]! : (vs[vs.length / 2 - 1]! + vs[vs.length / 2]!) / 2) : row.times[col]!;
    }
    return { workload: row.workload, times };
  });
}
