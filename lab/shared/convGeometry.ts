// The output-size formula along one axis, as the CNN pages show it: the numbers filled in, the
// floor's remainder, and which input positions no window reads. The size itself always comes
// from tl.convOutputSize; this only lays out the arithmetic behind it.
import * as tl from "../../src/index.js";
import { num } from "./format.js";

/** One axis of a convolution or pooling: sizes, the formula's parts, and the positions left unread. */
export interface AxisFormula {
  /** Input size n (H or W), kernel size k (FH or FW), stride S, padding P, dilation D. */
  n: number;
  k: number;
  s: number;
  p: number;
  d: number;
  /** The dilated kernel's extent D·(k − 1) + 1. */
  extent: number;
  /** n + 2P − extent: how far the window can slide over the padded input. */
  span: number;
  /** span mod S: padded positions past the last window (the floor drops them). */
  remainder: number;
  /** tl.convOutputSize's answer: floor(span / S) + 1. */
  out: number;
  /** Input positions (0-based, unpadded) that no window reads. */
  unused: number[];
  /** The formula with symbols, then with these numbers, e.g. "OH = ⌊(H + 2P − FH) / S⌋ + 1 = ⌊(5 + 2·1 − 3) / 2⌋ + 1 = 3". */
  text: string;
}

/**
 * The output-size formula along one axis named `axis` ("H", "W", "D" or "L"), in the form
 * O = ⌊(n + 2P − FH) / S⌋ + 1, where a dilated kernel's extent D·(FH − 1) + 1 replaces FH.
 */
export function axisFormula(axis: string, n: number, k: number, s: number, p: number, d: number): AxisFormula {
  const out = tl.convOutputSize({ inputSize: n, kernelSize: k, stride: s, padding: p, dilation: d });
  const extent = d * (k - 1) + 1;
  const span = n + 2 * p - extent;
  const read = new Set<number>();
  for (let o = 0; o < out; o++) for (let t = 0; t < k; t++) read.add(o * s - p + t * d);
  const unused = Array.from({ length: n }, (_, i) => i).filter((i) => !read.has(i));
  const K = `F${axis}`;
  const kSym = d === 1 ? K : `(D·(${K} − 1) + 1)`;
  const kNum = d === 1 ? num(k) : `(${d}·(${k} − 1) + 1)`;
  const text = `O${axis} = ⌊(${axis} + 2P − ${kSym}) / S⌋ + 1 = ⌊(${n} + 2·${p} − ${kNum}) / ${s}⌋ + 1 = ⌊${span} / ${s}⌋ + 1 = ${out}`;
  return { n, k, s, p, d, extent, span, remainder: span % s, out, unused, text };
}

/** A sentence on what the floor drops, or "" when the division is exact and every position is read. */
export function unusedText(axis: string, f: AxisFormula, what = axis === "W" ? "column" : "row"): string {
  const parts: string[] = [];
  if (f.remainder > 0)
    parts.push(
      `${f.span} / ${f.s} is not a whole number: the floor drops the last ${f.remainder} padded position${f.remainder === 1 ? "" : "s"} along ${axis}`,
    );
  if (f.unused.length)
    parts.push(
      `input ${what}${f.unused.length === 1 ? "" : "s"} ${f.unused.join(", ")} ${f.unused.length === 1 ? "is" : "are"} never read by any window`,
    );
  return parts.length ? parts.join("; ") + "." : "";
}
