// A small training loop helper. It is the plain loop (forward, loss, backward, step, zeroGrad)
// written once, with validation each epoch and callbacks (early stopping, checkpoints, progress);
// it hides nothing you could not write yourself in ten lines, and the README shows those first.
// Browser-safe: progress is reported through callbacks (the CLI draws bars with cli-progress).

import { noGrad } from "../autograd/graph.js";
import { deviceMemoryPressed } from "../tensor/storage.js";
import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "../nn/module.js";
import type { Optimizer } from "../optim/optimizer.js";
import { saveSafetensors } from "../io/index.js";

/** One epoch of fit's history: train and validation loss, extra metrics and seconds taken (Keras's History entries). */
export interface EpochLog {
  epoch: number;
  trainLoss: number;
  valLoss?: number;
  /** Extra numbers computed by `evaluate` on the validation set (e.g. accuracy). */
  metrics: Record<string, number>;
  seconds: number;
}

/** What callbacks see during fit: model, optimizer, history so far, and `stop` to end training after the epoch. */
export interface FitContext {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  history: EpochLog[];
  /** Set by a callback to end training after this epoch. */
  stop: boolean;
}

/** One training batch as fit reports it to onBatchEnd (Keras's per-batch logs; TF.js's onBatchEnd). */
export interface BatchLog {
  epoch: number;
  /** 1-based position of the batch in its epoch. */
  batch: number;
  /** The epoch's batch count when the training iterable has a length (NaN otherwise). */
  batches: number;
  loss: number;
}

/** A fit callback with optional onBatchEnd and onEpochEnd hooks, as Keras callbacks (PyTorch has no fit loop; Lightning's callbacks are the nearest). */
export interface Callback {
  /** Called after each optimizer step with the batch's loss. */
  onBatchEnd?(info: BatchLog, ctx: FitContext): void;
  onEpochEnd?(log: EpochLog, ctx: FitContext): void | Promise<void>;
}

/** Options of fit: model, optimizer, train and val batches, the per-batch loss, epochs, callbacks, evaluate and afterEpoch (scheduler step); Keras model.fit's roles as one object. */
export interface FitOptions<B> {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  /** Batches of the training set, e.g. a DataLoader yielding [x, y]. */
  train: Iterable<B>;
  val?: Iterable<B>;
  /** Loss of one batch: usually `([x, y]) => F.crossEntropy(model.forward(x), y)`. */
  loss: (batch: B) => Tensor;
  epochs: number;
  callbacks?: Callback[];
  /** Extra validation numbers per epoch, computed under noGrad with the model in eval mode. */
  evaluate?: () => Record<string, number>;
  /** Called once per epoch after the optimizer steps (a learning-rate scheduler's step). */
  afterEpoch?: () => void;
  /**
   * Stops training between batches once aborted (TF.js's `model.stopTraining`, with the web's
   * AbortSignal): fit then returns the history of the epochs it finished, the weights as the last
   * step left them. With a signal, fit checks it before each batch and yields to the event loop
   * at least once a frame (YIELD_MS), so an abort sent by an event (a click, a worker's message)
   * can land while it trains, and a page can draw between batches. Without one, fit yields only
   * while the wasm backend's resident memory is nearly spent (its blocks come back between tasks).
   */
  signal?: AbortSignal;
}

/**
 * With a signal (or while the backend's memory is pressed, deviceMemoryPressed), fit yields when
 * this long has passed since it last did: a frame at 60 Hz. A yield costs ~0.1 ms in Node, as
 * much as a whole small batch, so not every batch pays it.
 */
const YIELD_MS = 16;

/**
 * Resolves on a later turn of the event loop, after pending events (a message, a click): a
 * macrotask, not a microtask, which would run before them. setImmediate in Node; in browsers a
 * MessageChannel message, which setTimeout's 4 ms clamp on nested timers does not slow down.
 */
function nextTask(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (g.setImmediate) return new Promise((resolve) => void g.setImmediate!(resolve));
  if (g.MessageChannel) {
    return new Promise((resolve) => {
      const ch = new g.MessageChannel!();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Train for `epochs` epochs (or until `signal` aborts); returns the per-epoch history. */
export async function fit<B>(o: FitOptions<B>): Promise<EpochLog[]> {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new ValueError(`fit: epochs must be a positive integer, got ${o.epochs}.`);
  const ctx: FitContext = { model: o.model, optimizer: o.optimizer, history: [], stop: false };
  const callbacks = o.callbacks ?? [];
  let lastYield = -Infinity;
  // a run with a signal awaits between batches at least once a frame; without one, only when the
  // backend's memory that finalizers free is nearly spent (below), else a batch costs no trip
  // through the event loop
  const yieldOnceAFrame = async (): Promise<void> => {
    if (performance.now() - lastYield < YIELD_MS) return;
    await nextTask();
    lastYield = performance.now();
  };
  for (let epoch = 1; epoch <= o.epochs && !ctx.stop; epoch++) {
    const t0 = Date.now();
    o.model.train();
    let sum = 0,
      count = 0;
    // iterate lazily (a DataLoader gathers each batch on demand); its length, when it has one,
    // tells progress callbacks how many batches an epoch has
    const batches = (o.train as { length?: number }).length ?? NaN;
    let i = 0;
    for (const batch of o.train) {
      if (o.signal) {
        await yieldOnceAFrame();
        if (o.signal.aborted) {
          o.model.eval();
          return ctx.history; // the unfinished epoch is not logged: its numbers cover part of the data
        }
      }
      const loss = o.loss(batch);
      o.optimizer.zeroGrad();
      loss.backward();
      o.optimizer.step();
      const v = loss.item() as number;
      if (!Number.isFinite(v))
        throw new ValueError(
          `fit: the loss became ${v} at epoch ${epoch}, batch ${i + 1}. Lower the learning rate, or clip gradients (nn.utils.clipGradNorm).`,
        );
      sum += v;
      count++;
      for (const c of callbacks) c.onBatchEnd?.({ epoch, batch: i + 1, batches, loss: v }, ctx);
      i++;
      // the backend's memory that only finalizers free is nearly spent (wasm's resident budget):
      // a task boundary lets the finalizers of the steps' dropped tensors run, so the next steps'
      // outputs stay in that memory instead of being copied through host arrays
      if (deviceMemoryPressed()) await yieldOnceAFrame();
    }
    o.afterEpoch?.();
    o.model.eval();
    const log: EpochLog = { epoch, trainLoss: sum / Math.max(count, 1), metrics: {}, seconds: 0 };
    noGrad(() => {
      if (o.val) {
        let vs = 0,
          vc = 0;
        for (const b of o.val) {
          vs += o.loss(b).item() as number;
          vc++;
        }
        log.valLoss = vs / Math.max(vc, 1);
      }
      if (o.evaluate) log.metrics = o.evaluate();
    });
    log.seconds = (Date.now() - t0) / 1000;
    ctx.history.push(log);
    for (const c of callbacks) await c.onEpochEnd?.(log, ctx);
  }
  o.model.eval();
  return ctx.history;
}

const monitored = (log: EpochLog, monitor: string): number => {
  const v = monitor === "valLoss" ? log.valLoss : monitor === "trainLoss" ? log.trainLoss : log.metrics[monitor];
  if (v === undefined)
    throw new ValueError(
      `fit: callback monitors "${monitor}" but the epoch log has no such value (give fit a val set, or an evaluate() returning it).`,
    );
  return v;
};

/** Stop when `monitor` has not improved by minDelta for `patience` epochs; optionally restore the best weights. */
export function earlyStopping(
  opts: { monitor?: string; mode?: "min" | "max"; patience?: number; minDelta?: number; restoreBest?: boolean } = {},
): Callback & { bestEpoch: number } {
  const { monitor = "valLoss", mode = "min", patience = 5, minDelta = 0, restoreBest = true } = opts;
  let best = mode === "min" ? Infinity : -Infinity,
    bad = 0;
  let snapshot: Record<string, Tensor> | null = null;
  const cb = {
    bestEpoch: 0,
    onEpochEnd(log: EpochLog, ctx: FitContext): void {
      const v = monitored(log, monitor);
      const better = mode === "min" ? v < best - minDelta : v > best + minDelta;
      if (better) {
        best = v;
        bad = 0;
        cb.bestEpoch = log.epoch;
        if (restoreBest) snapshot = Object.fromEntries(Object.entries(ctx.model.stateDict()).map(([k, t]) => [k, t.clone()]));
      } else if (++bad >= patience) {
        ctx.stop = true;
        if (snapshot) ctx.model.loadStateDict(snapshot);
      }
    },
  };
  return cb;
}

/** Save the model (safetensors, atomically) whenever `monitor` improves. Node only (needs a path). */
export function checkpoint(path: string, opts: { monitor?: string; mode?: "min" | "max" } = {}): Callback {
  const { monitor = "valLoss", mode = "min" } = opts;
  let best = mode === "min" ? Infinity : -Infinity;
  return {
    async onEpochEnd(log, ctx) {
      const v = monitored(log, monitor);
      if (mode === "min" ? v < best : v > best) {
        best = v;
        await saveSafetensors(ctx.model.stateDict(), path, { epoch: String(log.epoch), [monitor]: String(v) });
      }
    },
  };
}
