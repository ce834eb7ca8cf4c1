// sample: random rows, reproducible through a seed (tensorloom's xoshiro generator, so the rows
// differ from numpy's for the same seed; the distribution is the same).

import { range } from "../column.js";
import { FrameError } from "../errors.js";
import { Generator, defaultGenerator } from "../../tensor/random.js";
import type { DataFrame } from "../table.js";

export interface SampleOptions {
  /** Number of rows (default 1), or give frac. */
  n?: number;
  /** Fraction of the rows. */
  frac?: number;
  replace?: boolean;
  /** Seed for a private generator (default: tensorloom's global generator, see manualSeed). */
  seed?: number;
  /** Column of non-negative weights. */
  weights?: string;
}

export function sample(df: DataFrame, opts: SampleOptions = {}): DataFrame {
  if (opts.n !== undefined && opts.frac !== undefined) throw new FrameError(`sample: pass n or frac, not both.`);
  const rows = df.length;
  const n = opts.frac !== undefined ? Math.round(opts.frac * rows) : (opts.n ?? 1);
  if (!Number.isInteger(n) || n < 0) throw new FrameError(`sample: the number of rows must be a non-negative integer, got ${n}.`);
  if (n > rows && !opts.replace)
    throw new FrameError(`sample: cannot take ${n} rows from ${rows} without replacement. Pass replace: true or a smaller n.`);
  const g = opts.seed === undefined ? defaultGenerator : new Generator(opts.seed);
  const idx = new Int32Array(n);
  if (opts.weights !== undefined) {
    const w = df.numbers("sample", opts.weights).map((x) => (x === x ? x : 0));
    if (w.some((x) => x < 0)) throw new FrameError(`sample: weights column ${JSON.stringify(opts.weights)} has negative values.`);
    const live = Float64Array.from(w);
    for (let k = 0; k < n; k++) {
      const total = live.reduce((s, x) => s + x, 0);
      if (!(total > 0))
        throw new FrameError(`sample: weights column ${JSON.stringify(opts.weights)} has too few positive weights for ${n} rows.`);
      let u = g.uniform() * total,
        i = 0;
      while (i < rows - 1 && u >= live[i]!) {
        u -= live[i]!;
        i++;
      }
      idx[k] = i;
      if (!opts.replace) live[i] = 0;
    }
  } else if (opts.replace) {
    for (let k = 0; k < n; k++) idx[k] = g.int(0, rows);
  } else {
    // partial Fisher-Yates: the first n of a random permutation
    const perm = range(0, rows);
    for (let k = 0; k < n; k++) {
      const j = k + g.int(0, rows - k);
      const t = perm[k]!;
      perm[k] = perm[j]!;
      perm[j] = t;
      idx[k] = perm[k]!;
    }
  }
  return df.take(idx);
}
