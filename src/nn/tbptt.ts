// Truncated backpropagation through time: walk a long sequence in chunks of k steps, carry the
// recurrent state from chunk to chunk, and detach it in between, so that memory stays bounded
// by one chunk's graph and gradients stop at chunk boundaries. Not an optimizer: the caller's
// afterBackward does the update (or nothing, letting gradients accumulate over the chunks).

import type { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../tensor/errors.js";
import { noGrad } from "../autograd/graph.js";
import { cat } from "../ops/join.js";
import { detach, narrow } from "../ops/movement.js";
import type { RecurrentForwardOptions, StepInfo } from "./rnn.js";
import type { GradientTrace } from "./gradientTrace.js";

/** A recurrent state: h for RNN and GRU, [h, c] for LSTM. */
export type RecurrentState = Tensor | readonly [Tensor, Tensor];

/**
 * What truncatedBptt needs of a module: nn.RNN, nn.GRU and nn.LSTM fit. (The state parameter is
 * typed never so that any module's own state type fits; StateOf reads it from forward's result.)
 */
export interface RecurrentModule {
  readonly batchFirst: boolean;
  forward(x: Tensor, state: never, opts?: RecurrentForwardOptions): [Tensor, RecurrentState];
}

/** The state type of a recurrent module: Tensor for RNN and GRU, [h, c] for LSTM. */
export type StateOf<M extends RecurrentModule> = ReturnType<M["forward"]>[1];

/** One chunk: its position in the walk and its time steps [start, end). */
export interface ChunkInfo {
  index: number;
  start: number;
  end: number;
}

/** Options of truncatedBptt: chunkSize (k), the initial state, the per-chunk loss and an afterBackward hook (clip, step, zero). PyTorch has no built-in; this is the usual detach-per-chunk loop. */
export interface TbpttOptions<S extends RecurrentState> {
  /** Time steps per chunk (k); the last chunk may be shorter. */
  chunkSize: number;
  /** The initial state (zeros when absent). Only the first chunk back-propagates into it. */
  state?: S | null;
  /** The loss of one chunk, from that chunk's output; backward() is called on it. */
  loss: (output: Tensor, chunk: ChunkInfo) => Tensor;
  /** Called after each chunk's backward: clip gradients, step an optimizer, zero gradients... */
  afterBackward?: (chunk: ChunkInfo, loss: Tensor) => void;
  /**
   * Called with every per-step state of every chunk, `t` counted over the whole input (the
   * chunk's start added). Runs the layer step by step instead of its fused sequence op.
   */
  onStep?: (step: StepInfo) => void;
  /**
   * Trace ||dL/dH_t|| of each chunk's loss: its onStep sees every step (global `t`), and before
   * each detach `trace.truncate()` marks the steps so far as cut. In afterBackward of chunk j the
   * trace holds chunk j's loss: norms for its steps, `cut: true` for every earlier step (which
   * full BPTT would have reached). No PyTorch counterpart.
   */
  trace?: GradientTrace;
}

/** What truncatedBptt returns: the joined chunk outputs and final state (both detached) and each chunk's loss. */
export interface TbpttResult<S extends RecurrentState> {
  /** The chunk outputs joined along time (detached: each chunk's graph is gone after its backward). */
  output: Tensor;
  /** The final state, detached. */
  state: S;
  /** Each chunk's loss value. */
  losses: number[];
}

/** The state outside the graph (same storage), as state.detach() for each tensor of it. */
export function detachState<S extends RecurrentState>(state: S): S {
  return (Array.isArray(state) ? [detach(state[0] as Tensor), detach(state[1] as Tensor)] : detach(state as Tensor)) as unknown as S;
}

/**
 * Truncated BPTT over `input` (the module's layout: [T, B, F], [B, T, F] with batchFirst, or
 * [T, F] unbatched). For each chunk of chunkSize steps: `[out, state] = module.forward(chunk,
 * state)`, `loss(out, chunk).backward()` (gradients accumulate into .grad, also into input's and
 * the initial state's when they require grad), `afterBackward`, then the state is detached.
 * @example tl.nn.truncatedBptt(new tl.nn.GRU(2, 3), tl.ones([10, 1, 2]), { chunkSize: 4, loss: (o) => o.sum() }).output // shape [10, 1, 3]
 */
export function truncatedBptt<M extends RecurrentModule>(
  module: M,
  input: Tensor,
  opts: TbpttOptions<StateOf<M>>,
): TbpttResult<StateOf<M>> {
  const k = opts.chunkSize;
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`truncatedBptt: chunkSize must be a positive integer, got ${k}.`);
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new ValueError(
      `truncatedBptt: input must be [seq, batch, feature] (or [batch, seq, feature] with batchFirst, or [seq, feature] unbatched), got shape [${input.shape.join(", ")}].`,
    );
  }
  const timeDim = input.ndim === 3 && module.batchFirst ? 1 : 0;
  const T = input.shape[timeDim]!;
  let state: StateOf<M> | null = opts.state ?? null;
  const outputs: Tensor[] = [];
  const losses: number[] = [];
  for (let start = 0, index = 0; start < T; start += k, index++) {
    const chunk: ChunkInfo = { index, start, end: Math.min(start + k, T) };
    const x = narrow(input, timeDim, start, chunk.end - start);
    const watch = [opts.onStep, opts.trace?.onStep].filter((f) => f !== undefined);
    // with nothing to watch, no options: the layer keeps its fused sequence op
    const [out, next] =
      watch.length === 0
        ? module.forward(x, state as never)
        : module.forward(x, state as never, {
            onStep: (s: StepInfo) => {
              // the step with t shifted, its (lazy) gates inherited
              const shifted = Object.create(s, { t: { value: s.t + start, enumerable: true } }) as StepInfo;
              for (const f of watch) f(shifted);
            },
          });
    const loss = opts.loss(out, chunk);
    loss.backward();
    opts.afterBackward?.(chunk, loss);
    losses.push(loss.item());
    outputs.push(detach(out));
    opts.trace?.truncate();
    state = detachState(next); // gradients stop here: the next chunk starts a new graph
  }
  return { output: noGrad(() => cat(outputs, timeDim)), state: state!, losses };
}
