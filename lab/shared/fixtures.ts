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

type Grid = number[][];

export interface LabCnnFixtures {
  torch: string;
  sliding: SlidingCase[];
  /** scipy.signal.correlate2d / convolve2d, mode "valid". */
  cross: { input: Grid; kernel: Grid; correlate: Grid; convolve: Grid }[];
  /** conv1d/2d/3d of one channel; input, kernel and output nested 1, 2 or 3 deep. */
  dims: { input: NestedNumbers; kernel: NestedNumbers; stride: number; output: NestedNumbers }[];
  channels: { input: number[][][]; weight: number[][][][]; bias: number[]; output: number[][][] }[];
  backprop: { input: Grid; kernel: Grid; padding: number; dy: Grid; dx: Grid; dw: Grid }[];
  pool: { mode: "max" | "avg"; input: Grid; kernelSize: number; stride: number; padding: number; dy: Grid; output: Grid; dx: Grid }[];
}

export type NestedNumbers = number[] | NestedNumbers[];

export const labCnn = (): LabCnnFixtures =>
  JSON.parse(readFileSync(new URL("../../test/fixtures/lab_cnn.json", import.meta.url), "utf8")) as LabCnnFixtures;

/** Largest |a - b| over two nested arrays of the same shape (throws on a shape mismatch). */
export function maxDiff(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) throw new Error(`maxDiff: lengths ${a.length} and ${b.length} differ`);
    return a.reduce((m: number, v, i) => Math.max(m, maxDiff(v, b[i])), 0);
  }
  return Math.abs(Number(a) - Number(b));
}
