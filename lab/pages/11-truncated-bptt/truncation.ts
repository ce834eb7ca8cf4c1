// The computation behind the truncated-BPTT page: a recurrent forecaster predicts x_{t+1} from
// H_t at every step of a series, trained by tl.nn.truncatedBptt in chunks of k steps. Its
// GradientTrace marks, after each chunk's backward, the steps of earlier chunks as cut (the state
// was detached there), so the page can draw what each chunk's gradient reached and where it
// stopped. For comparison, full BPTT of the same chunk loss reaches back to t = 1.

import * as tl from "../../../src/index.js";
import { seededForecaster, sequenceInput, type Forecaster, type RecurrentKind } from "../../shared/seqModels.js";

export interface TruncationOptions {
  kind: RecurrentKind;
  /** Chunk length k. */
  chunk: number;
  hidden: number;
  seed: number;
}

/** One cell of the chunk x time grid: the norm that arrived, cut by truncation, or a step the chunk's loss cannot reach (later steps). */
export type Cell = { kind: "norm"; norm: number } | { kind: "cut" } | { kind: "none" };

export interface ChunkRow {
  chunk: tl.nn.ChunkInfo;
  loss: number;
  /** One cell per time step t = 1..T (index t - 1). */
  cells: Cell[];
}

export interface TruncationResult {
  rows: ChunkRow[];
  /**
   * Cosine between the parameter gradient truncated BPTT accumulates over the chunks and full
   * BPTT's gradient of the same total loss (1: truncation lost nothing).
   */
  cosine: number;
  /** ||truncated gradient|| / ||full gradient||. */
  normRatio: number;
}

/** The model, its input x_1..x_{T-1} [T-1, 1, 1] and targets x_2..x_T [T-1, 1, 1]. */
export function truncationSetup(series: readonly number[], opts: TruncationOptions): { model: Forecaster; x: tl.Tensor; y: tl.Tensor } {
  return {
    model: seededForecaster(opts.kind, opts.hidden, opts.seed),
    x: sequenceInput(series.slice(0, -1)),
    y: sequenceInput(series.slice(1)),
  };
}

/** A chunk's loss: the mean squared error of its steps' predictions. */
const chunkLoss = (model: Forecaster, h: tl.Tensor, y: tl.Tensor, c: tl.nn.ChunkInfo): tl.Tensor =>
  tl.F.mseLoss(model.head.forward(h), y.narrow(0, c.start, c.end - c.start));

const flatGrad = (model: Forecaster): tl.Tensor => tl.cat(model.parameters().map((p) => (p.grad ?? tl.zerosLike(p)).reshape([-1])));

function cellsOf(steps: readonly tl.nn.TracedStep[], T: number): Cell[] {
  return Array.from({ length: T }, (_, t): Cell => {
    const s = steps[t];
    if (!s || (s.norm === null && !s.cut)) return { kind: "none" };
    return s.cut ? { kind: "cut" } : { kind: "norm", norm: s.norm! };
  });
}

/** Truncated BPTT with chunks of k over the series: one grid row per chunk, and how far its summed gradient is from full BPTT's. */
export function truncatedGradients(series: readonly number[], opts: TruncationOptions): TruncationResult {
  const { model, x, y } = truncationSetup(series, opts);
  const T = x.shape[0]!;
  const trace = new tl.nn.GradientTrace();
  const rows: ChunkRow[] = [];
  model.zeroGrad();
  tl.nn.truncatedBptt(model.rnn as tl.nn.RecurrentModule, x, {
    chunkSize: opts.chunk,
    trace,
    loss: (h, c) => chunkLoss(model, h, y, c),
    afterBackward: (c, loss) => rows.push({ chunk: c, loss: loss.item(), cells: cellsOf(trace.hiddenGradSteps(), T) }),
  });
  const truncated = flatGrad(model);
  // full BPTT of the same total loss (the sum of the chunk losses) over one unbroken graph
  model.zeroGrad();
  const h = model.states(x);
  rows
    .map((r) => chunkLoss(model, h.narrow(0, r.chunk.start, r.chunk.end - r.chunk.start), y, r.chunk))
    .reduce((a, b) => a.add(b))
    .backward();
  const full = flatGrad(model);
  model.zeroGrad();
  const dot = truncated.mul(full).sum().item(),
    nt = truncated.norm().item(),
    nf = full.norm().item();
  return { rows, cosine: dot / (nt * nf), normRatio: nt / nf };
}

/** ||dL_j/dH_t|| of chunk j's loss under full BPTT (no cut): where truncation shows "cut", this is what it dropped. */
export function fullBpttNorms(series: readonly number[], opts: TruncationOptions, chunk: tl.nn.ChunkInfo): number[] {
  const { model, x, y } = truncationSetup(series, opts);
  const r = tl.nn.traceGradients(model, (onStep) => {
    const h = model.states(x.narrow(0, 0, chunk.end), onStep);
    return chunkLoss(model, h.narrow(0, chunk.start, chunk.end - chunk.start), y, chunk);
  });
  return r.hidden.l0!;
}
