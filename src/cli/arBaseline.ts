// The linear autoregressive baseline of the forecaster: AR(tau), x_t = c + a_1 x_{t-1} + ... +
// a_tau x_{t-tau}, fitted by least squares on the training months and run one step ahead on the
// test months (each forecast reads the actual previous tau values), the protocol the LSTM uses.
// The study notes introduce AR(tau) before latent-variable models and RNNs; on a short series a
// linear model with the right lag is the baseline a recurrent network must beat.

/**
 * Least-squares solution of A w = b (A: rows of equal length, at least as many rows as columns)
 * by Householder QR in float64, which stays accurate where the normal equations lose digits
 * (lagged copies of a trending series are nearly collinear). Throws on a rank-deficient A.
 */
export function leastSquares(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const m = a.length, n = a[0]?.length ?? 0;
  if (m < n || b.length !== m) throw new RangeError(`leastSquares: need at least as many rows (${m}) as columns (${n}) and one target per row (${b.length})`);
  const q = a.map((r) => Float64Array.from(r)), y = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += q[i]![k]! ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new RangeError(`leastSquares: column ${k} is a combination of the others (rank-deficient)`);
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
    for (let j = k; j < n; j++) reflect((i) => q[i]![j]!, (i, x) => { q[i]![j] = x; });
    reflect((i) => y[i]!, (i, x) => { y[i] = x; });
  }
  const w = new Array<number>(n).fill(0);
  for (let k = n - 1; k >= 0; k--) {
    let s = y[k]!;
    for (let j = k + 1; j < n; j++) s -= q[k]![j]! * w[j]!;
    const d = q[k]![k]!;
    if (Math.abs(d) <= 1e-12 * Math.abs(q[0]![0]!)) throw new RangeError(`leastSquares: column ${k} is a combination of the others (rank-deficient)`);
    w[k] = s / d;
  }
  return w;
}

export interface ArFit {
  tau: number;
  /** Intercept c, then a_1 .. a_tau (a_i multiplies x_{t-i}). */
  intercept: number;
  coefficients: number[];
}

/**
 * Fits AR(tau) with an intercept on the targets x_t, tau <= t < end (all lags inside the series).
 * A smooth, noiseless series makes the lag columns collinear to rounding; a ridge term of 1e-12
 * of a lag column's sum of squares (one extra row per coefficient) keeps the fit defined there
 * and moves the airline fit by less than 1e-6.
 */
export function fitAr(x: readonly number[], tau: number, end = x.length): ArFit {
  const rows: number[][] = [], targets: number[] = [];
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
  const [intercept, ...coefficients] = leastSquares(rows, targets);
  return { tau, intercept: intercept!, coefficients };
}

/** One-step-ahead forecasts of x_t for t in [from, to): each reads the actual x_{t-1} .. x_{t-tau}. */
export function arOneStep(fit: ArFit, x: readonly number[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t++) out.push(fit.coefficients.reduce((s, a, i) => s + a * x[t - 1 - i]!, fit.intercept));
  return out;
}
