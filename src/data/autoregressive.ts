// The linear autoregressive model AR(tau), x_t = c + a_1 x_{t-1} + ... + a_tau x_{t-tau}, fitted
// by least squares on lagged windows (the framing slidingWindows cuts), and its one-step-ahead
// forecasts, each reading the actual previous tau values. On a short series a linear model with
// the right lag is the baseline a recurrent network must beat: the CLI's forecaster reports it
// beside its LSTM (src/cli/forecast.ts), and Lab page 8 fits it live. Plain float64 arithmetic,
// no tensors: the fit is a small dense solve, and Householder QR keeps the digits that the normal
// equations lose on nearly collinear lag columns (lagged copies of a trending series).

import { ValueError } from "../tensor/errors.js";

/**
 * Least-squares solution of A w = b (A: rows of equal length, at least as many rows as columns)
 * by Householder QR in float64, which stays accurate where the normal equations lose digits.
 * Throws a ValueError on a rank-deficient A. numpy.linalg.lstsq for a full-rank A (torch.linalg.lstsq).
 */
export function leastSquares(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const m = a.length,
    n = a[0]?.length ?? 0;
  if (m < n || b.length !== m)
    throw new ValueError(`leastSquares: need at least as many rows (${m}) as columns (${n}) and one target per row (${b.length})`);
  const q = a.map((r) => Float64Array.from(r)),
    y = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += q[i]![k]! ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new ValueError(`leastSquares: column ${k} is a combination of the others (rank-deficient)`);
    const alpha = q[k]![k]! > 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = q[i]![k]!;
    v[0]! -= alpha;
    let vv = 0;
    for (const x of v) vv += x * x;
    if (vv === 0) continue;
    const reflect = (get: (i: number) => number, set: (i: number, x: number) => void): void => {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k]! * get(i);
      s = (2 * s) / vv;
      for (let i = k; i < m; i++) set(i, get(i) - s * v[i - k]!);
    };
    for (let j = k; j < n; j++)
      reflect(
        (i) => q[i]![j]!,
        (i, x) => {
          q[i]![j] = x;
        },
      );
    reflect(
      (i) => y[i]!,
      (i, x) => {
        y[i] = x;
      },
    );
  }
  const w = new Array<number>(n).fill(0);
  for (let k = n - 1; k >= 0; k--) {
    let s = y[k]!;
    for (let j = k + 1; j < n; j++) s -= q[k]![j]! * w[j]!;
    const d = q[k]![k]!;
    if (Math.abs(d) <= 1e-12 * Math.abs(q[0]![0]!))
      throw new ValueError(`leastSquares: column ${k} is a combination of the others (rank-deficient)`);
    w[k] = s / d;
  }
  return w;
}

/** A fitted AR(tau) model: x_t = intercept + coefficients[0] x_{t-1} + ... + coefficients[tau-1] x_{t-tau} (statsmodels' AutoRegResults.params, const first). */
export interface ArFit {
  /** The order: how many past values each forecast reads. */
  tau: number;
  /** The constant c. */
  intercept: number;
  /** a_1 .. a_tau: coefficients[i] multiplies x_{t-1-i} (the most recent value first). */
  coefficients: number[];
}

/**
 * Fits AR(tau) with an intercept by least squares on the targets x_t, tau <= t < end (every lag
 * inside the series; the values from `end` on are left out, for scoring). A smooth, noiseless
 * series makes the lag columns collinear to rounding; a ridge term of 1e-6 of a lag column's norm
 * (one extra row per coefficient) keeps the fit defined there and moves a real series' fit by
 * about 1e-7. Give it at least tau + 1 targets (2 tau + 1 values before `end`): with fewer, that
 * ridge decides what the data leave open. Throws a ValueError when tau is not a positive integer,
 * when there is no target, or when the lag columns are rank-deficient (an all-zero series).
 * statsmodels' `AutoReg(x[:end], lags=tau, trend="c").fit()` (OLS on the lagged windows of
 * torch's `x.unfold(0, tau + 1, 1)`).
 * @example tl.data.fitAr([1, 2, 4, 8, 16, 32, 64, 128], 1).coefficients[0].toFixed(4) // => 2.0000
 */
export function fitAr(x: ArrayLike<number>, tau: number, end = x.length): ArFit {
  if (!Number.isInteger(tau) || tau < 1) throw new ValueError(`fitAr: tau must be a positive integer, got ${tau}.`);
  if (!Number.isInteger(end) || end < 0 || end > x.length)
    throw new ValueError(`fitAr: end must be an integer in [0, ${x.length}] (the series' length), got ${end}.`);
  if (end <= tau)
    throw new ValueError(
      `fitAr: AR(${tau}) needs at least one target after the first ${tau} values (and tau + 1 = ${tau + 1} targets to determine its ${tau + 1} parameters), so more than ${tau} values before end; got ${end}.`,
    );
  for (let t = 0; t < end; t++) {
    // a NaN or infinity would reach the solver as a "rank-deficient" column, a misleading reason
    if (!Number.isFinite(x[t])) {
      throw new ValueError(
        `fitAr: the series has ${x[t]} at position ${t}; every value before end (${end}) must be a finite number. Fill or drop missing values first.`,
      );
    }
  }
  const rows: number[][] = [],
    targets: number[] = [];
  let energy = 0;
  for (let t = tau; t < end; t++) {
    rows.push([1, ...Array.from({ length: tau }, (_, i) => x[t - 1 - i]!)]);
    targets.push(x[t]!);
    energy += x[t - 1]! ** 2;
  }
  const ridge = 1e-6 * Math.sqrt(energy);
  for (let i = 0; i < tau && ridge > 0; i++) {
    rows.push(Array.from({ length: tau + 1 }, (_, j) => (j === i + 1 ? ridge : 0)));
    targets.push(0);
  }
  let w: number[];
  try {
    w = leastSquares(rows, targets);
  } catch (e) {
    throw new ValueError(`fitAr: AR(${tau}) cannot be fitted: ${(e as Error).message}. Try a smaller tau or a longer series.`);
  }
  const [intercept, ...coefficients] = w;
  return { tau, intercept: intercept!, coefficients };
}

/**
 * One-step-ahead forecasts of x_t for t in [from, to): each reads the actual x_{t-1} .. x_{t-tau}
 * (so from >= fit.tau and to <= x.length). statsmodels' `AutoRegResults.predict(start, end - 1,
 * dynamic=False)` on the whole series.
 */
export function arOneStep(fit: ArFit, x: ArrayLike<number>, from: number, to: number): number[] {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < fit.tau || to > x.length) {
    throw new ValueError(
      `arOneStep: forecasts need ${fit.tau} values before each step and the step itself inside the series: from (${from}) >= tau (${fit.tau}) and to (${to}) <= ${x.length}.`,
    );
  }
  const out: number[] = [];
  for (let t = from; t < to; t++) out.push(fit.coefficients.reduce((s, a, i) => s + a * x[t - 1 - i]!, fit.intercept));
  return out;
}
