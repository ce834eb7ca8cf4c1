// What the recurrent pages (09-12) share: a series scaled to mean 0 and standard deviation 1,
// and a forecaster made of one of tensorloom's recurrent layers (nn.RNN, nn.LSTM or nn.GRU) with
// a linear read-out of H_t at every step. Built from the public API only.

import * as tl from "../../src/index.js";

export type RecurrentKind = "RNN" | "LSTM" | "GRU";
export const RECURRENT_KINDS: readonly RecurrentKind[] = ["RNN", "LSTM", "GRU"];

/** (x - mean) / std over the whole series, so that tanh and sigmoid units start in their useful range. */
export function standardize(values: readonly number[]): { values: number[]; mean: number; std: number } {
  const x = tl.tensor(values as number[], { dtype: "float64" });
  const mean = x.mean().item(),
    std = x.std().item();
  if (!(std > 0)) throw new tl.ValueError("standardize: the series is constant; it needs at least two different values.");
  return { values: Array.from(x.sub(mean).div(std).toArray() as number[]), mean, std };
}

/** A series as the layer's input [T, 1, 1] (seq, batch, feature), float32. */
export const sequenceInput = (values: readonly number[]): tl.Tensor => tl.tensor(values as number[], { shape: [values.length, 1, 1] });

/** Every window of `length` values as a batch [length, N, 1], and each window's next value [N, 1]. */
export function windowBatch(values: readonly number[], length: number): { x: tl.Tensor; y: tl.Tensor } {
  const w = tl.data.slidingWindows(tl.tensor(values as number[]), length, 1);
  return { x: w.x.t().unsqueeze(2).contiguous(), y: w.y };
}

/** A recurrent layer with a linear read-out of every H_t (for forecasting the next value). */
export class Forecaster extends tl.nn.Module {
  readonly rnn: tl.nn.RNN | tl.nn.LSTM | tl.nn.GRU;
  readonly head: tl.nn.Linear;
  constructor(
    readonly kind: RecurrentKind,
    readonly hidden: number,
  ) {
    super();
    const layer = kind === "RNN" ? new tl.nn.RNN(1, hidden) : kind === "LSTM" ? new tl.nn.LSTM(1, hidden) : new tl.nn.GRU(1, hidden);
    this.rnn = this.registerModule("rnn", layer);
    this.head = this.registerModule("head", new tl.nn.Linear(hidden, 1));
  }
  /** The hidden states H_1..H_T of x [T, B, 1]: [T, B, hidden]. */
  states(x: tl.Tensor, onStep?: (s: tl.nn.StepInfo) => void): tl.Tensor {
    const opts = onStep ? { onStep } : {};
    return this.rnn instanceof tl.nn.LSTM ? this.rnn.forward(x, null, opts)[0] : this.rnn.forward(x, null, opts)[0];
  }
  /** The prediction read out of every H_t: [T, B, 1]. */
  override forward(x: tl.Tensor, onStep?: (s: tl.nn.StepInfo) => void): tl.Tensor {
    return this.head.forward(this.states(x, onStep));
  }
}

/** A Forecaster whose weights are drawn from a fixed seed (the same numbers on every load). */
export function seededForecaster(kind: RecurrentKind, hidden: number, seed: number): Forecaster {
  tl.manualSeed(seed);
  return new Forecaster(kind, hidden);
}
