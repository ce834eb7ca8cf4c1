// The computation behind the sequence-data page: the sample autocorrelation of a series (is it
// i.i.d.?), the AR(tau) windows cut by tl.data.slidingWindows, and a linear AR(tau) model fitted
// by least squares on the early months (tl.data.fitAr, the model the CLI's forecaster reports)
// and scored one step ahead on the held-out last months.
// Pure functions of plain arrays, so Node tests check them against numpy.

import * as tl from "../../../src/index.js";

const f64 = (values: readonly number[]): tl.Tensor => tl.tensor(values as number[], { dtype: "float64" });

/**
 * r_k = sum_{t>=k} (x_t - m)(x_{t-k} - m) / sum_t (x_t - m)^2 for k = 0..maxLag (the estimate
 * numpy, statsmodels and most textbooks use: one mean and one denominator for every lag).
 */
export function autocorrelation(values: readonly number[], maxLag: number): number[] {
  const T = values.length;
  if (T < 2) throw new tl.ValueError(`autocorrelation: need at least 2 values, got ${T}.`);
  const lags = Math.min(maxLag, T - 1);
  const x = f64(values);
  const xc = x.sub(x.mean());
  const energy = xc.mul(xc).sum().item();
  if (!(energy > 0)) throw new tl.ValueError("autocorrelation: the series is constant, so its autocorrelation is undefined.");
  const r = [1];
  for (let k = 1; k <= lags; k++)
    r.push(
      xc
        .narrow(0, k, T - k)
        .mul(xc.narrow(0, 0, T - k))
        .sum()
        .item() / energy,
    );
  return r;
}

/**
 * The same values in a random order (tl.randperm with a fixed seed): what the series would look
 * like if its months were i.i.d. draws. Its autocorrelation is near 0 at every lag k > 0.
 */
export function shuffled(values: readonly number[], seed: number): number[] {
  const perm = tl.randperm(values.length, { generator: new tl.Generator(seed) });
  return Array.from(tl.indexSelect(f64(values), 0, perm).toArray() as number[]);
}

/** The first `count` AR(tau) samples: inputs x_{t-tau}..x_{t-1} and target x_t (tl.data.slidingWindows). */
export function arWindows(values: readonly number[], tau: number, count: number): { inputs: number[][]; target: number[] } {
  const w = tl.data.slidingWindows(f64(values), tau, 1);
  const n = Math.min(count, w.x.shape[0]!);
  return { inputs: w.x.narrow(0, 0, n).toArray() as number[][], target: (w.y.narrow(0, 0, n).toArray() as number[][]).map((r) => r[0]!) };
}

/** A fitted AR(tau) model and how well it predicts one step ahead. */
export interface ArResult {
  tau: number;
  /** c in x_t = c + a_1 x_{t-1} + ... + a_tau x_{t-tau}. */
  intercept: number;
  /** a_1 .. a_tau (a_i multiplies x_{t-i}). */
  coefficients: number[];
  /** Index of the first held-out value: the fit used targets x_tau .. x_{split-1}. */
  split: number;
  /** One-step-ahead predictions of x_t for every t >= tau (fitted months, then held-out ones). */
  predictions: number[];
  trainRmse: number;
  testRmse: number;
}

const rmse = (p: tl.Tensor, y: tl.Tensor): number => p.sub(y).square().mean().sqrt().item();

/**
 * Fit AR(tau) by least squares on the targets before the last `heldOut` values, then predict
 * every x_t (t >= tau) from the actual previous tau values: [x_{t-tau} .. x_{t-1}] @ [a_tau .. a_1] + c.
 */
export function fitArModel(values: readonly number[], tau: number, heldOut: number): ArResult {
  const split = values.length - heldOut;
  if (!Number.isInteger(tau) || tau < 1 || split - tau < tau + 1) {
    throw new tl.ValueError(
      `fitArModel: tau = ${tau} needs more than ${2 * tau + heldOut} values (tau + 1 fitted months per coefficient, plus ${heldOut} held out); the series has ${values.length}.`,
    );
  }
  // refuses (a ValueError the page shows) a rank-deficient window matrix: a learner's all-zero series, say
  const fit = tl.data.fitAr(values, tau, split);
  const w = tl.data.slidingWindows(f64(values), tau, 1); // sample i: x = values[i..i+tau-1], y = values[i+tau]
  const weights = f64([...fit.coefficients].reverse()); // the window's oldest value first
  const pred = w.x.matmul(weights).add(fit.intercept);
  const y = w.y.squeeze(1);
  const nTrain = split - tau;
  const N = y.shape[0]!;
  return {
    tau,
    intercept: fit.intercept,
    coefficients: fit.coefficients,
    split,
    predictions: Array.from(pred.toArray() as number[]),
    trainRmse: rmse(pred.narrow(0, 0, nTrain), y.narrow(0, 0, nTrain)),
    testRmse: rmse(pred.narrow(0, nTrain, N - nTrain), y.narrow(0, nTrain, N - nTrain)),
  };
}
