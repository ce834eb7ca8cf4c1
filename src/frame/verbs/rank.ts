// rank: 1-based ranks of a column's values, as pandas' Series.rank / DataFrame.rank (pandas 1.5
// defaults): ties by method, missing values kept missing or ranked first/last, pct divides by
// the number of ranked values (dense: by the highest dense rank). The order comes from the
// stable radix argsort, so "first" breaks ties by row order in both directions, as pandas.

import { type Column, floatCol, isStringLike, naMask, numericView } from "../column.js";
import { FrameError } from "../errors.js";
import { argsort } from "../sort.js";

/** How tied values are ranked, as pandas' rank(method=): the mean, lowest or highest rank of the tie, consecutive dense ranks, or row order. */
export type RankMethod = "average" | "min" | "max" | "dense" | "first";

/**
 * Options of rank, as pandas' rank keyword arguments: method ("average"), ascending (true),
 * pct (false), naOption ("keep": missing stays missing; "top"/"bottom": missing values rank
 * first/last, tied with each other), numericOnly (DataFrame only; pandas 1.5's default ranks
 * text and dates too).
 */
export interface RankOptions {
  method?: RankMethod;
  ascending?: boolean;
  pct?: boolean;
  naOption?: "keep" | "top" | "bottom";
  numericOnly?: boolean;
}

const METHODS: readonly string[] = ["average", "min", "max", "dense", "first"];

/** The float64 ranks of one column (missing values give NaN under naOption "keep"). */
export function rankColumn(op: string, c: Column, name: string | null, opts: RankOptions = {}): Column {
  const method = opts.method ?? "average";
  const naOption = opts.naOption ?? "keep";
  if (!METHODS.includes(method))
    throw new FrameError(`${op}: unknown method ${JSON.stringify(method)}. Use "average", "min", "max", "dense" or "first".`);
  if (!["keep", "top", "bottom"].includes(naOption))
    throw new FrameError(`${op}: unknown naOption ${JSON.stringify(naOption)}. Use "keep", "top" or "bottom".`);
  const asc = opts.ascending ?? true;
  const na = naMask(c);
  const n = na.length;
  // tie detection: equal dictionary codes for text, equal numbers otherwise
  const key: ArrayLike<number> = isStringLike(c) ? c.codes : numericView(op, c, name);
  const order = argsort([c], [asc], "last");
  let m = 0;
  for (let i = 0; i < n; i++) if (!na[i]) m++;
  const k = n - m;
  const out = new Float64Array(n);
  // ranks of the present values; missing ones sit at the end of `order`
  const offset = naOption === "top" ? k : 0;
  let dense = 0;
  for (let a = 0; a < m; ) {
    let b = a + 1;
    const v = key[order[a]!]!;
    while (b < m && key[order[b]!] === v) b++;
    dense++;
    for (let p = a; p < b; p++) {
      const r =
        method === "average" ? (a + 1 + b) / 2 : method === "min" ? a + 1 : method === "max" ? b : method === "dense" ? dense : p + 1;
      out[order[p]!] = method === "dense" ? r + (naOption === "top" && k > 0 ? 1 : 0) : r + offset;
    }
    a = b;
  }
  let denseMax = dense;
  if (k > 0) {
    if (naOption === "keep") for (let p = m; p < n; p++) out[order[p]!] = NaN;
    else {
      // the missing values are one tie group, before or after the present ones
      const base = naOption === "top" ? 0 : m;
      const denseRank = naOption === "top" ? 1 : dense + 1;
      denseMax = dense + 1;
      for (let p = m; p < n; p++) {
        const q = p - m;
        out[order[p]!] =
          method === "average"
            ? base + (k + 1) / 2
            : method === "min"
              ? base + 1
              : method === "max"
                ? base + k
                : method === "dense"
                  ? denseRank
                  : base + q + 1;
      }
    }
  }
  if (opts.pct) {
    const total = method === "dense" ? denseMax : naOption === "keep" ? m : n;
    for (let i = 0; i < n; i++) out[i] = out[i]! / total;
  }
  return floatCol(out);
}
