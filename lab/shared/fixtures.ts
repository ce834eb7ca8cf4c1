// The Lab's reference numbers from PyTorch (test/fixtures/lab_cnn.json, written by
// scripts/fixtures/lab_cnn.py), for the pages' Node tests. Node only: never imported by a page.
import { readFileSync } from "node:fs";

export interface SlidingCase {
  input: number[][];
  kernel: number[][];
  stride: number;
  padding: number;
  dilation: number;
  output: number[][];
}

export interface LabCnnFixtures {
  torch: string;
  sliding: SlidingCase[];
}

export const labCnn = (): LabCnnFixtures => JSON.parse(readFileSync(new URL("../../test/fixtures/lab_cnn.json", import.meta.url), "utf8")) as LabCnnFixtures;

/** Largest |a - b| over two nested arrays of the same shape (throws on a shape mismatch). */
export function maxDiff(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) throw new Error(`maxDiff: lengths ${a.length} and ${b.length} differ`);
    return a.reduce((m: number, v, i) => Math.max(m, maxDiff(v, b[i])), 0);
  }
  return Math.abs(Number(a) - Number(b));
}
