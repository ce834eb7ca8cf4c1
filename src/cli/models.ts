// The architectures of the CLI's models as tl.io descriptions, so their checkpoints are
// self-describing (tl.io.loadModel and `tensorloom predict` rebuild them without this code). Each
// description has the same state-dict keys and the same forward computation as the class or
// Sequential the pipeline trains.

import * as tl from "../index.js";
import { seasonalDiff, standardisation } from "./forecast.js";

type Arch = tl.io.ArchitectureSpec;

/** The tabular MLP: Linear(in, hidden) → ReLU → Linear(hidden, hidden) → ReLU → Linear(hidden, out), keys 0.*, 2.*, 4.* as nn.Sequential. */
export function mlpArchitecture(inputs: number, hidden: number, outputs: number): Arch {
  return {
    type: "Sequential",
    layers: [
      { type: "Linear", args: [inputs, hidden] },
      { type: "ReLU" },
      { type: "Linear", args: [hidden, hidden] },
      { type: "ReLU" },
      { type: "Linear", args: [hidden, outputs] },
    ],
  };
}

/** DigitsCnn (digits.ts) as a description: conv1 → ReLU → MaxPool 2 → conv2 → ReLU → MaxPool 2 → Flatten → fc. */
export function cnnArchitecture(side: number, classes: number): Arch {
  const s = Math.floor(Math.floor(side / 2) / 2);
  return {
    type: "Sequential",
    layers: [
      { name: "conv1", type: "Conv2d", args: [1, 16, 3, { padding: 1 }] },
      { name: "relu1", type: "ReLU" },
      { name: "pool1", type: "MaxPool2d", args: [2] },
      { name: "conv2", type: "Conv2d", args: [16, 32, 3, { padding: 1 }] },
      { name: "relu2", type: "ReLU" },
      { name: "pool2", type: "MaxPool2d", args: [2] },
      { name: "flatten", type: "Flatten", args: [1] },
      { name: "fc", type: "Linear", args: [32 * s * s, classes] },
    ],
  };
}

/** The forecaster (forecast.ts): a batch-first LSTM(1 → hidden), its last step, a Linear(hidden → 1) head. */
export function forecasterArchitecture(hidden: number): Arch {
  return {
    type: "Sequential",
    layers: [
      { name: "lstm", type: "LSTM", args: [1, hidden, { batchFirst: true }] },
      { name: "last", type: "LastStep" },
      { name: "head", type: "Linear", args: [hidden, 1] },
    ],
  };
}

/**
 * `architecture` if a model built from it has exactly `model`'s state-dict keys and shapes, else
 * undefined (the model's class changed: save weights only rather than a wrong description).
 */
export function matchingArchitecture(model: tl.nn.Module, architecture: Arch): Arch | undefined {
  const want = model.stateDict(),
    got = tl.noGrad(() => tl.io.buildModel(architecture).stateDict());
  const wk = Object.keys(want).sort(),
    gk = Object.keys(got).sort();
  if (wk.length !== gk.length || wk.some((k, i) => k !== gk[i] || want[k]!.shape.join() !== got[k]!.shape.join())) return undefined;
  return architecture;
}

/** What a forecaster checkpoint records besides its weights: enough to forecast a series with it. */
export interface ForecastPreprocessing {
  kind: "forecast";
  column: string;
  /** Window length: the model reads the last `tau` standardised seasonal log-differences. */
  tau: number;
  season: number;
  /** Standardisation of the seasonal log-differences log(y_t) - log(y_{t-season}) (training months). */
  mean: number;
  std: number;
}

/** The log seasonal differences d[t - season] = log y_t - log y_{t-season}, as forecast.ts computes them. */
const seasonalLogDiff = (values: readonly number[], season: number): number[] => seasonalDiff(values.map(Math.log), season);

/** The preprocessing of a trained forecaster: its window, season and the training months' standardisation (forecast.ts's). */
export function forecastPreprocessing(
  r: { series: number[]; testStart: number; tau: number; season: number },
  column: string,
): ForecastPreprocessing {
  const { mean, std } = standardisation(seasonalLogDiff(r.series, r.season).slice(0, r.testStart - r.season));
  return { kind: "forecast", column, tau: r.tau, season: r.season, mean, std };
}

/**
 * One-step-ahead forecasts of `values` by a forecaster model: for every month t with a full window
 * (t >= season + tau) and for the month after the last, exp(log y_{t-season} + zHat * std + mean).
 * Returns the month index (t, where t = values.length is the next month) and the forecast.
 */
export function forecastSeries(
  model: tl.nn.Module,
  pre: ForecastPreprocessing,
  values: readonly number[],
): { t: number[]; predicted: number[] } {
  const { tau, season, mean, std } = pre;
  const z = seasonalLogDiff(values, season).map((v) => (v - mean) / std);
  const first = season + tau;
  const t = Array.from({ length: Math.max(0, values.length + 1 - first) }, (_, k) => first + k);
  if (!t.length) return { t, predicted: [] };
  const x = new Float32Array(t.length * tau);
  t.forEach((m, k) => {
    for (let i = 0; i < tau; i++) x[k * tau + i] = z[m - season - tau + i]!;
  });
  const zHat = tl.noGrad(() =>
    (model as unknown as { forward(x: tl.Tensor): tl.Tensor }).forward(tl.tensor(x, { shape: [t.length, tau, 1] })),
  ).storage;
  return { t, predicted: t.map((m, k) => Math.exp(Math.log(values[m - season]!) + zHat[k]! * std + mean)) };
}
