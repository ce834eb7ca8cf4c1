// The computation behind the gates page: an LSTM or GRU forecaster learns to predict a real
// series one month ahead (full-batch Adam, one step per epoch), and after each epoch a forward
// pass without gradients reads every step's gate activations from the layer's onStep callback
// (StepInfo.gates: LSTM i, f, g, o; GRU r, z, n), for the gates-over-time picture.

import * as tl from "../../../src/index.js";
import { seededForecaster, sequenceInput, type Forecaster } from "../../shared/seqModels.js";

export type GatedKind = "LSTM" | "GRU";

/** Every step's gates, states and prediction after some epochs of training. */
export interface GateSnapshot {
  epoch: number;
  /** The gates of every step, [T][hidden] per gate (tl.report.gatesFromSteps). */
  timeline: tl.report.GateTimeline;
  /** H_t, [T][hidden]. */
  h: number[][];
  /** LSTM cell state C_t, [T][hidden]. */
  c?: number[][];
  /** The prediction of x_{t+1} read out of H_t, for t = 1..T. */
  predictions: number[];
}

const rows = (t: tl.Tensor): number[] => Array.from(t.reshape([-1]).toArray() as number[]);

export class GateTrainer {
  readonly model: Forecaster;
  readonly x: tl.Tensor;
  readonly y: tl.Tensor;
  private readonly opt: tl.optim.Adam;
  epoch = 0;

  /** `series` standardized; the model reads x_1..x_{T-1} and predicts x_2..x_T. */
  constructor(
    series: readonly number[],
    readonly kind: GatedKind,
    hidden: number,
    seed: number,
    lr = 0.02,
  ) {
    this.model = seededForecaster(kind, hidden, seed);
    this.x = sequenceInput(series.slice(0, -1));
    this.y = sequenceInput(series.slice(1));
    this.opt = new tl.optim.Adam(this.model.parameters(), { lr });
  }

  /** One full-batch training step; returns the loss before it. */
  train(): number {
    this.opt.zeroGrad();
    const loss = tl.F.mseLoss(this.model.forward(this.x), this.y);
    loss.backward();
    this.opt.step();
    this.epoch++;
    return loss.item();
  }

  /** The mean squared error with the current weights. */
  loss(): number {
    return tl.noGrad(() => tl.F.mseLoss(this.model.forward(this.x), this.y).item());
  }

  /** Gates and states of every step with the current weights (the lazy gates are read before any update). */
  snapshot(): GateSnapshot {
    const steps: tl.nn.StepInfo[] = [];
    const pred = tl.noGrad(() => this.model.forward(this.x, (s) => steps.push(s)));
    const h = steps.map((s) => rows(s.h));
    const c = steps.map((s) => (s.c ? rows(s.c) : []));
    return {
      epoch: this.epoch,
      timeline: tl.report.gatesFromSteps(steps),
      h,
      ...(this.kind === "LSTM" ? { c } : {}),
      predictions: rows(pred),
    };
  }
}
