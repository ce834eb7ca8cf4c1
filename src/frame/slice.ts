// Slices for iloc and loc: one object shape { start, stop, step }, as Python's slice(start, stop,
// step). iloc reads it as positions with Python's rules (stop excluded, negative positions count
// from the end, out-of-range ends are clipped, a negative step walks backwards); loc reads it as
// labels with both ends included, as pandas. The older forms stay: iloc's { start, end } and
// loc's { from, to }.

import type { Scalar } from "./column.js";
import { FrameError } from "./errors.js";
import { type Index, type LabelKey, indexLength, positionsOf } from "./labels.js";

/**
 * A slice for iloc (positions; stop excluded) and loc (labels; stop included), as Python's
 * slice(start, stop, step) in df.iloc[a:b:s] / df.loc[a:b:s]. Omitted ends run to the edge in
 * the step's direction; step defaults to 1 and may be negative, not 0. `end` is the older name of
 * iloc's stop, and `from`/`to` of loc's start/stop, kept working.
 */
export interface Slice<T = Scalar> {
  start?: T;
  stop?: T;
  step?: number;
  /** iloc's older name for stop. */
  end?: T;
  /** loc's older name for start. */
  from?: T;
  /** loc's older name for stop. */
  to?: T;
}

/**
 * A slice object, as Python's slice(start, stop, step): `df.iloc(slice(null, null, -1))` is
 * df.iloc[::-1] and `df.loc(slice("a", "c"))` is df.loc["a":"c"]; null leaves an end open.
 * @example
 * mtcars.iloc(slice(0, 10, 3)) // shape [4, 12]
 */
export function slice<T = Scalar>(start: T | null = null, stop: T | null = null, step: number | null = null): Slice<T> {
  const s: Slice<T> = {};
  if (start !== null) s.start = start;
  if (stop !== null) s.stop = stop;
  if (step !== null) s.step = step;
  return s;
}

/** The rows head(n) keeps of `length`: the first n, or for a negative n all but the last -n. */
export const headSlice = (n: number, length: number): Slice<number> => ({ end: n >= 0 ? Math.min(n, length) : Math.max(0, length + n) });
/** The rows tail(n) keeps of `length`: the last n, or for a negative n all but the first -n. */
export const tailSlice = (n: number, length: number): Slice<number> => ({ start: n >= 0 ? Math.max(0, length - n) : Math.min(length, -n) });

/** Whether a loc/iloc argument is a slice object (a plain object, not a label, array or Series). */
export function isSlice(x: unknown): x is Slice<unknown> {
  return (
    x !== null &&
    typeof x === "object" &&
    !Array.isArray(x) &&
    !ArrayBuffer.isView(x) &&
    !(x instanceof Date) &&
    Object.getPrototypeOf(x) === Object.prototype
  );
}

function stepOf(op: string, step: number | undefined): number {
  const s = step ?? 1;
  if (!Number.isInteger(s) || s === 0)
    throw new FrameError(`${op}: slice step must be a non-zero integer, got ${String(step)}. Use a negative step to go backwards.`);
  return s;
}

/** Positions of a slice over n rows, as Python's range(*slice(start, stop, step).indices(n)). */
export function slicePositions(op: string, s: Slice<number>, n: number): Int32Array {
  const step = stepOf(op, s.step);
  const stop0 = s.stop ?? s.end;
  for (const [what, v] of [
    ["start", s.start],
    ["stop", stop0],
  ] as const) {
    if (v !== undefined && v !== null && !Number.isInteger(v))
      throw new FrameError(`${op}: slice ${what} must be an integer position, got ${JSON.stringify(v)}. Use loc for labels.`);
  }
  const lo = step > 0 ? 0 : -1,
    hi = step > 0 ? n : n - 1;
  const norm = (v: number | undefined, dflt: number) =>
    v === undefined || v === null ? dflt : Math.min(hi, Math.max(lo, v < 0 ? v + n : v));
  const start = norm(s.start, step > 0 ? 0 : n - 1);
  const stop = norm(stop0, step > 0 ? n : -1);
  return walk(start, Math.ceil((stop - start) / step), step);
}

/** `count` positions from `start` by `step` (none when count is not positive). */
function walk(start: number, count: number, step: number): Int32Array {
  const out = new Int32Array(Math.max(0, count));
  for (let i = 0, p = start; i < out.length; i++, p += step) out[i] = p;
  return out;
}

/**
 * Positions of a label slice (both ends included, as pandas' loc), walking backwards for a
 * negative step. On a MultiIndex the ends are tuples or leading labels (`{ start: [4, 1], stop: 6 }`):
 * from the first row of the start key to the last row of the stop key.
 */
export function labelSlicePositions(op: string, ix: Index, s: Slice<LabelKey>): Int32Array {
  const step = stepOf(op, s.step);
  const n = indexLength(ix);
  const start = s.start ?? s.from,
    stop = s.stop ?? s.to;
  const first = (l: LabelKey) => positionsOf(op, ix, l)[0]!,
    last = (l: LabelKey) => positionsOf(op, ix, l).at(-1)!;
  const a = start === undefined ? (step > 0 ? 0 : n - 1) : step > 0 ? first(start) : last(start);
  const b = stop === undefined ? (step > 0 ? n - 1 : 0) : step > 0 ? last(stop) : first(stop);
  return walk(a, Math.floor((b - a) / step) + 1, step);
}
