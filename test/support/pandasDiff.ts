// What the randomized pandas differentials (src/frame/differential.test.ts and
// verbsDifferential.test.ts) share: comparing one value or a row index with pandas' JSON, and
// judging an error where pandas raised.

import type { DataFrame, Scalar, Series } from "../../src/frame/index.js";
import { FrameError } from "../../src/frame/errors.js";
import { indexLength, indexTuple } from "../../src/frame/labels.js";

/** A value as the fixture scripts write it: null (missing), a number, text, "inf"/"-inf", ms for dates. */
export type Enc = unknown;

/**
 * null when equal; else what differs. Ints, text and dates exactly; floats within `tol` relative
 * (for tol above 1e-12, also within `tol` absolute near 0: moving-window sums).
 */
export function valueDiff(actual: unknown, expected: Enc, tol = 1e-12): string | null {
  const missing = actual === null || (typeof actual === "number" && Number.isNaN(actual));
  if (expected === null) return missing ? null : `expected missing, got ${String(actual)}`;
  if (missing) return `expected ${JSON.stringify(expected)}, got missing`;
  if (actual instanceof Date) return actual.getTime() === expected ? null : `expected time ${expected}, got ${actual.getTime()}`;
  if ((expected === "inf" || expected === "-inf") && typeof actual === "number")
    return actual === (expected === "inf" ? Infinity : -Infinity) ? null : `expected ${expected}, got ${String(actual)}`;
  if (typeof expected === "number") {
    if (typeof actual !== "number") return `expected ${expected}, got ${JSON.stringify(actual)}`;
    if (actual === expected) return null;
    return Math.abs(actual - expected) <= tol * Math.max(Math.abs(expected), Math.abs(actual), tol === 1e-12 ? 0 : 1)
      ? null
      : `expected ${expected}, got ${actual}`;
  }
  return actual === expected ? null : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** Each row label of x as a tuple of its levels. */
export const rowLabels = (x: DataFrame | Series): Scalar[][] =>
  Array.from({ length: indexLength(x.index) }, (_, i) => indexTuple(x.index, i));

/**
 * A thrown error where pandas raised `pandasError`: null when it is a clear FrameError (the
 * operation first, then at least `minDetail` characters saying what was wrong and what to do).
 */
export function errorDiff(err: unknown, pandasError: string, minDetail: number): string | null {
  if (!(err instanceof FrameError)) return `pandas: ${pandasError}; tensorloom threw a non-FrameError: ${String(err)}`;
  const m = /^([A-Za-z.]+): (.*)$/s.exec(err.message);
  if (!m || m[2]!.length < minDetail)
    return `pandas: ${pandasError}; tensorloom's error does not name the operation and the fix: ${err.message}`;
  return null;
}
