// Pipeline 2 of the main job: an LSTM forecaster of a monthly series. It works on the log of
// the series and predicts its seasonal difference (this month vs the same month last year)
// from the previous `tau` seasonal differences, so the baseline it must beat, seasonal naive
// (y_t = y_{t-season}), corresponds to predicting zero.

import * as tl from "../index.js";
import { type Callback, fit } from "../train/fit.js";

const { nn, F, ValueError } = tl;

export class Forecaster extends nn.Module {
  readonly lstm: tl.nn.LSTM;
  readonly head: tl.nn.Linear;
  constructor(hidden: number) {
    super();
    this.lstm = this.registerModule("lstm", new nn.LSTM(1, hidden, { batchFirst: true }));
    this.head = this.registerModule("head", new nn.Linear(hidden, 1));
  }
  /** x [B, tau, 1] -> [B, 1] from the last hidden state. */
  forward(x: tl.Tensor): tl.Tensor {
    const [out] = this.lstm.forward(x) as [tl.Tensor, unknown];
    return this.head.forward(out.select(1, out.shape[1]! - 1));
  }
}

export interface ForecastResult {
  model: Forecaster;
  history: tl.train.EpochLog[];
  rmse: number;
  baselineRmse: number;
  /** Test months: actual values, the LSTM's forecasts, the seasonal-naive forecasts. */
  actual: number[];
  predicted: number[];
  baseline: number[];
  series: number[];
  testStart: number;
}

/** Rows (0-based) listed for a message: the first few, then how many in all. */
function rowList(rows: number[]): string {
  return rows.length > 5 ? `${rows.slice(0, 5).join(", ")}, ... (${rows.length} in all)` : rows.join(", ");
}

/**
 * The series rules of trainForecaster, checked before any training: no missing values, all
 * positive (the model works on the logarithm), and enough of them for the windows and the test.
 */
export function checkSeries(values: readonly number[], o: { tau: number; season: number; testSize: number }): void {
  const missing: number[] = [], nonPositive: number[] = [];
  values.forEach((v, i) => { if (v !== v) missing.push(i); else if (!(v > 0)) nonPositive.push(i); });
  if (missing.length) throw new ValueError(`train forecast: the series has ${missing.length} missing value${missing.length > 1 ? "s" : ""} (row${missing.length > 1 ? "s" : ""} ${rowList(missing)}, counting from 0). Fill them (interpolate or ffill) or drop those rows first.`);
  if (nonPositive.length) throw new ValueError(`train forecast: the series must be positive (the model works on its logarithm), but row${nonPositive.length > 1 ? "s" : ""} ${rowList(nonPositive)} hold${nonPositive.length > 1 ? "" : "s"} ${values[nonPositive[0]!]}${nonPositive.length > 1 ? ", ..." : ""}. Shift the series above zero or drop those rows.`);
  const need = o.season + o.tau + o.testSize + 8;
  if (values.length < need) throw new ValueError(`train forecast: the series has ${values.length} value${values.length === 1 ? "" : "s"}; season ${o.season}, tau ${o.tau} and ${o.testSize} test points need at least ${need} (season + tau + test + 8). Pass a longer series or smaller --season, --tau or --test.`);
}

export async function trainForecaster(values: number[], o: { tau: number; season: number; testSize: number; epochs: number; hidden: number; seed: number; callbacks?: Callback[] }): Promise<ForecastResult> {
  tl.manualSeed(o.seed);
  const { tau, season, testSize } = o;
  checkSeries(values, o);
  const logs = values.map(Math.log);
  const diff = logs.map((v, t) => (t >= season ? v - logs[t - season]! : NaN)).slice(season); // d[t - season]
  const testStart = values.length - testSize; // first test month (index in values)
  const trainDiff = diff.slice(0, testStart - season);
  const mean = trainDiff.reduce((a, b) => a + b, 0) / trainDiff.length;
  const std = Math.sqrt(trainDiff.reduce((a, b) => a + (b - mean) ** 2, 0) / trainDiff.length) || 1;
  const z = diff.map((v) => (v - mean) / std);
  // windows over the standardised seasonal differences: tau inputs -> the next one
  const w = tl.data.slidingWindows(z, tau, 1);
  const xAll = w.x.reshape([-1, tau, 1]), yAll = w.y.reshape([-1, 1]);
  // window i predicts z[i + tau], i.e. month i + tau + season
  const firstTestWindow = testStart - season - tau;
  const xTrain = xAll.narrow(0, 0, firstTestWindow), yTrain = yAll.narrow(0, 0, firstTestWindow);
  const xTest = xAll.narrow(0, firstTestWindow, testSize);
  const model = new Forecaster(o.hidden);
  const optimizer = new tl.optim.Adam(model.parameters(), { lr: 1e-2 });
  const loader = new tl.data.DataLoader(new tl.data.TensorDataset(xTrain, yTrain), { batchSize: 16, shuffle: true });
  const history = await fit({ model, optimizer, epochs: o.epochs, train: loader, callbacks: o.callbacks, loss: ([x, y]: tl.Tensor[]) => F.mseLoss(model.forward(x!), y!) });
  const zHat = tl.noGrad(() => model.forward(xTest)).storage;
  const predicted: number[] = [], baseline: number[] = [], actual: number[] = [];
  for (let k = 0; k < testSize; k++) {
    const t = testStart + k;
    // one step ahead: last year's actual value, scaled by the predicted seasonal change
    predicted.push(Math.exp(logs[t - season]! + zHat[k]! * std + mean));
    baseline.push(values[t - season]!);
    actual.push(values[t]!);
  }
  const rmse = (p: number[]): number => Math.sqrt(p.reduce((s, v, i) => s + (v - actual[i]!) ** 2, 0) / p.length);
  return { model, history, rmse: rmse(predicted), baselineRmse: rmse(baseline), actual, predicted, baseline, series: values, testStart };
}
