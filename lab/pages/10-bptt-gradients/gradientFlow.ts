// The computation behind the BPTT page: a recurrent forecaster reads windows of T months and
// predicts the next one from H_T alone, so the loss reaches H_t only back through time. Every
// training step records ||dL/dH_t|| for t = 1..T with a tl.nn.GradientTrace (one row of the
// time x training-step heatmap), the parameters' total gradient norm, and then, with clipping
// on, rescales the gradients with tl.nn.utils.clipGradNorm before the optimizer step.

import * as tl from "../../../src/index.js";
import { seededForecaster, windowBatch, type Forecaster, type RecurrentKind } from "../../shared/seqModels.js";

export interface FlowOptions {
  kind: RecurrentKind;
  /** Window length T: the steps the gradient must travel back. */
  T: number;
  hidden: number;
  /** Plain SGD's learning rate (large enough that an unclipped RNN can blow up). */
  lr: number;
  /** Clip the gradients' total norm to this (clipGradNorm), or null for no clipping. */
  clip: number | null;
  seed: number;
}

/** One training step's row of the heatmap. */
export interface FlowRow {
  step: number;
  /** ||dL/dH_t|| for t = 1..T (index t - 1): GradientTrace.hiddenGradNorms(). */
  norms: number[];
  loss: number;
  /** The parameters' total gradient norm before clipping (what clipGradNorm returns). */
  gradNorm: number;
  /** Whether clipping rescaled this step's gradients. */
  clipped: boolean;
}

/**
 * Training as a generator, one step per next(): the page draws each row as it arrives. `model`
 * is the forecaster being trained (the step's trace is taken before its update).
 */
export class GradientFlow {
  readonly model: Forecaster;
  readonly batch: { x: tl.Tensor; y: tl.Tensor };
  private readonly opt: tl.optim.SGD;
  private step = 0;

  constructor(
    series: readonly number[],
    readonly opts: FlowOptions,
  ) {
    this.model = seededForecaster(opts.kind, opts.hidden, opts.seed);
    this.batch = windowBatch(series, opts.T);
    this.opt = new tl.optim.SGD(this.model.parameters(), { lr: opts.lr });
  }

  /** The loss of the prediction read out of H_T only. */
  lossOf(onStep?: (s: tl.nn.StepInfo) => void): tl.Tensor {
    const h = this.model.states(this.batch.x, onStep);
    const last = h.select(0, this.opts.T - 1);
    return tl.F.mseLoss(this.model.head.forward(last), this.batch.y);
  }

  /** One step: trace, backward, (clip,) update. */
  next(): FlowRow {
    const trace = new tl.nn.GradientTrace();
    this.opt.zeroGrad();
    const loss = this.lossOf(trace.onStep);
    loss.backward();
    // maxNorm Infinity scales by 1: the same call measures the norm with clipping off
    const gradNorm = tl.nn.utils.clipGradNorm(this.model.parameters(), this.opts.clip ?? Infinity);
    this.opt.step();
    return {
      step: this.step++,
      norms: trace.hiddenGradNorms(),
      loss: loss.item(),
      gradNorm,
      clipped: this.opts.clip !== null && gradNorm > this.opts.clip,
    };
  }
}
