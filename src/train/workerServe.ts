// The worker side of training off the page's thread: serveTraining runs one training function
// inside a Web Worker (browsers) or a worker_threads Worker (Node) started by trainInWorker
// (workerHost.ts), streams its progress, and hands its state dict back. It does not train: the
// function does, usually with fit.

import { TensorloomError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Callback } from "./fit.js";
import { type FromWorker, type ToWorker, isProtocolMessage, packError, packStateDict, type TrainingEvent } from "./workerProtocol.js";

/** What the training function gets inside the worker: cancellation (an AbortSignal, the role of TF.js's model.stopTraining), progress and custom events. No PyTorch equivalent. */
export interface TrainingContext<R = unknown> {
  /**
   * Aborted when the host calls job.cancel(). Pass it to fit (`signal: ctx.signal`), which stops
   * between batches; a hand-written loop checks `ctx.signal.aborted` and must yield to the event
   * loop now and then (`await new Promise((r) => setTimeout(r))`) for the cancel message to land.
   */
  readonly signal: AbortSignal;
  /** Send a custom progress event ({ type: "report", data }); `data` must be structured-cloneable. */
  report(data: R): void;
  /** A fit callback that streams each batch's loss and each epoch's log to the host as "batch" and "epoch" events. */
  progressCallback(): Callback;
}

/** The function a training worker runs: it receives the config given to trainInWorker and returns the state dict to hand back (PyTorch's state_dict()). */
export type TrainingFunction<C, R> = (ctx: TrainingContext<R>, config: C) => Record<string, Tensor> | Promise<Record<string, Tensor>>;

/** How this worker talks to the thread that started it. */
interface Port {
  post(m: FromWorker, transfer?: ArrayBuffer[]): void;
  listen(on: (m: unknown) => void): void;
}

type NodePort = { postMessage(m: unknown, transfer?: ArrayBuffer[]): void; on(ev: "message", f: (m: unknown) => void): void };

function nodePort(): Port | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const wt = p?.getBuiltinModule?.("node:worker_threads") as { isMainThread: boolean; parentPort: NodePort | null } | undefined;
  if (!wt || wt.isMainThread || !wt.parentPort) return null;
  const port = wt.parentPort;
  return { post: (m, transfer) => port.postMessage(m, transfer), listen: (on) => port.on("message", on) };
}

function webPort(): Port | null {
  const g = globalThis as {
    WorkerGlobalScope?: unknown;
    postMessage?: (m: unknown, transfer?: ArrayBuffer[]) => void;
    addEventListener?: (t: string, f: (e: { data: unknown }) => void) => void;
  };
  if (typeof g.WorkerGlobalScope !== "function" || !g.postMessage || !g.addEventListener) return null;
  return { post: (m, transfer) => g.postMessage!(m, transfer ?? []), listen: (on) => g.addEventListener!("message", (e) => on(e.data)) };
}

let serving = false;

/**
 * Serve one training job in this worker: wait for trainInWorker's config, run `train(ctx,
 * config)`, stream its progress events, and hand its returned state dict back, the tensors'
 * buffers transferred (moved, not copied). A thrown error goes back as the job's rejection, with
 * its name, message and stack. Call it once, at the top level of the worker module; the worker
 * is the host's to terminate once the result is sent. No PyTorch equivalent (torch trains on the
 * calling thread); TF.js has none either: its docs suggest running model.fit in a Web Worker by hand.
 *
 * @example
 * // train.ts, the worker module
 * tl.train.serveTraining(async (ctx, config: { epochs: number }) => {
 *   const model = new tl.nn.Linear(3, 1);
 *   await tl.train.fit({ model, optimizer, train: loader, loss, epochs: config.epochs, callbacks: [ctx.progressCallback()], signal: ctx.signal });
 *   return model.stateDict();
 * });
 */
export function serveTraining<C = unknown, R = unknown>(train: TrainingFunction<C, R>): void {
  const port = nodePort() ?? webPort();
  if (!port) {
    throw new TensorloomError(
      "serveTraining: this code runs on a main thread, not in a worker (no worker_threads parentPort, no WorkerGlobalScope). Start this module with tl.train.trainInWorker(url, config) instead of importing it.",
    );
  }
  if (serving)
    throw new TensorloomError(
      "serveTraining: called a second time in this worker; a training worker serves one function. Call it once, at the top level of the worker module.",
    );
  serving = true;
  const controller = new AbortController();
  const send = (event: TrainingEvent<R>): void => {
    try {
      port.post({ tensorloom: "event", event });
    } catch (e) {
      throw new TensorloomError(
        `serveTraining: ctx.report could not send its data to the host (${String(e)}). Report structured-cloneable values: numbers, strings, arrays, plain objects, typed arrays (a tensor as t.toArray()).`,
      );
    }
  };
  const ctx: TrainingContext<R> = {
    signal: controller.signal,
    report: (data) => send({ type: "report", data }),
    progressCallback: () => ({
      onBatchEnd: (info) => send({ type: "batch", ...info }),
      onEpochEnd: (log) => send({ type: "epoch", ...log }),
    }),
  };
  let started = false;
  port.listen((m) => {
    if (!isProtocolMessage(m)) return;
    const msg = m as ToWorker;
    if (msg.tensorloom === "cancel") controller.abort();
    else if (msg.tensorloom === "start" && !started) {
      started = true;
      void run(msg.config as C);
    }
  });
  const run = async (config: C): Promise<void> => {
    let packed: ReturnType<typeof packStateDict>;
    try {
      packed = packStateDict(await train(ctx, config), "serveTraining");
    } catch (e) {
      port.post({ tensorloom: "error", error: packError(e) });
      return;
    }
    port.post({ tensorloom: "result", tensors: packed.tensors }, packed.transfer);
  };
  port.post({ tensorloom: "ready" });
}
