// The digits training images the CNN benchmarks use: data/digits.csv (the copy of
// ../shared/data/digits.csv the package ships), the first 80% of the rows, pixels / 16. A module
// of its own so that bench/gpu.ts, bundled into one file, does not pull cnnEpoch.ts's main block.

import { readFileSync } from "node:fs";

export interface Digits {
  n: number;
  pixels: number[];
  labels: number[];
}

let cache: Digits | undefined;
export function digits(): Digits {
  if (cache) return cache;
  const rows = readFileSync(new URL("../data/digits.csv", import.meta.url), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));
  const n = Math.round(rows.length * 0.8);
  cache = { n, pixels: rows.slice(0, n).flatMap((r) => r.slice(0, 64).map((v) => v / 16)), labels: rows.slice(0, n).map((r) => r[64]!) };
  return cache;
}
