// The starting side of training off the page's thread: trainInWorker starts a worker module
// that calls serveTraining (workerServe.ts), sends it the config, and turns its messages into
// progress events, a cancel, and a result that settles exactly once: with the state dict, with
// the worker's error, or with an error saying the worker died. Web Workers in browsers,
// worker_threads in Node (detected); the wasm backend inside the worker starts its own kernel
// threads there (nested workers), as on a page.

import { TensorloomError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { type FromWorker, isProtocolMessage, type ToWorker, type TrainingEvent, unpackError, unpackStateDict } from "./workerProtocol.js";

/** Options of trainInWorker: the transfer list and worker type of the web's postMessage and new Worker. */
export interface TrainInWorkerOptions {
  /** Buffers inside `config` to move to the worker instead of copying (postMessage's transfer list); they are detached here when trainInWorker returns. */
  transfer?: Transferable[];
  /** Browsers, given a URL: the worker module's type, "module" (the default, for `new URL("./train.js", import.meta.url)`) or "classic". Node and a factory ignore it. */
  type?: "module" | "classic";
  /** Reject if the worker has not called serveTraining within this many ms (default 60,000): a module that never calls it would otherwise wait forever. */
  startTimeoutMs?: number;
}

/** A training run in a worker, as returned by trainInWorker: progress events (onProgress or `for await`), cancel, terminate and the result (TF.js's model.fit promise and callbacks, across threads; no PyTorch equivalent). */
export interface TrainingJob<R = unknown> extends AsyncIterable<TrainingEvent<R>> {
  /**
   * The state dict the training function returned, its tensors on the buffers the worker moved
   * here (no copy); `model.loadStateDict(await job.result)` loads it. Rejects with the worker's
   * error (its class where it is a tensorloom or built-in error, its message and stack), or when
   * the worker dies, fails to load or is terminated. Never left pending once the worker is gone.
   */
  readonly result: Promise<Record<string, Tensor>>;
  /** Call `listener` with every event that arrives from now on; returns a function that removes it. */
  onProgress(listener: (event: TrainingEvent<R>) => void): () => void;
  /**
   * Ask the training function to stop: aborts its `ctx.signal`. fit stops before the next batch,
   * so `result` resolves with what the function returns then (the weights so far); a function
   * that ignores the signal runs on. Sent once; later calls do nothing.
   */
  cancel(): void;
  /** Stop the worker now (Worker.terminate): `result` rejects, unless it already settled. */
  terminate(): void;
}

/** The two worker APIs behind one shape. */
interface WorkerHandle {
  post(m: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
}

interface Handlers {
  message(m: unknown): void;
  /** The worker is gone or broken: an Error to reject with. */
  fail(e: Error): void;
}

// The listener types are loose on purpose: Node's Worker and the DOM's declare these methods
// through overloads (one per event name), which a narrower signature here would not match.
/** A worker_threads Worker, as far as trainInWorker uses it. */
type NodeWorker = {
  postMessage(m: unknown, transfer?: readonly Transferable[]): void;
  terminate(): unknown;
  on(ev: string, f: (...args: never[]) => void): unknown;
};
type NodeWorkerCtor = new (url: string | URL) => NodeWorker;

/** A Web Worker, as far as trainInWorker uses it. */
type WebWorker = {
  postMessage(m: unknown, transfer: Transferable[]): void;
  terminate(): void;
  // biome-ignore lint/suspicious/noExplicitAny: the DOM's listener takes an Event subtype per name (see above)
  addEventListener(ev: string, f: (e: any) => void): void;
};
type WebWorkerCtor = new (url: string | URL, opts?: { type?: "module" | "classic" }) => WebWorker;

/** A started worker, the web's Worker or Node's worker_threads.Worker: what a `() => new Worker(...)` factory given to trainInWorker returns. */
export type WorkerLike = WebWorker | NodeWorker;

function watchNode(w: NodeWorker, h: Handlers): WorkerHandle {
  w.on("message", (m: unknown) => h.message(m));
  // an exception nothing caught in the worker (outside the training function): it has stopped
  w.on("error", (e: Error) => h.fail(e));
  w.on("messageerror", (e: Error) => h.fail(e));
  w.on("exit", (code: number) =>
    h.fail(
      new TensorloomError(
        `trainInWorker: the worker exited with code ${code} before it sent a result (process.exit, a crash, or terminate()). Its own error output, if any, is on stderr.`,
      ),
    ),
  );
  return { post: (m, transfer) => w.postMessage(m, transfer), terminate: () => void w.terminate() };
}

function watchWeb(w: WebWorker, what: string, h: Handlers): WorkerHandle {
  w.addEventListener("message", (e: { data: unknown }) => h.message(e.data));
  // an uncaught error in the worker, or a module that failed to load (then the event has no message)
  w.addEventListener("error", (e: { message?: string; filename?: string; lineno?: number; preventDefault?: () => void }) => {
    e.preventDefault?.();
    const where = e.filename ? ` (${e.filename}:${e.lineno})` : "";
    h.fail(
      new TensorloomError(
        e.message
          ? `trainInWorker: uncaught error in the worker${where}: ${e.message}`
          : `trainInWorker: ${what} failed to load or crashed (no message; check the URL, that it serves JavaScript, and the worker's console).`,
      ),
    );
  });
  w.addEventListener("messageerror", () =>
    h.fail(new TensorloomError("trainInWorker: a message from the worker could not be deserialized (messageerror).")),
  );
  return { post: (m, transfer) => w.postMessage(m, transfer ?? []), terminate: () => w.terminate() };
}

/** Start the worker: the factory's, else worker_threads where Node has them, else a Web Worker. */
function startWorker(source: string | URL | (() => WorkerLike), type: "module" | "classic", h: Handlers): WorkerHandle {
  if (typeof source === "function") {
    const w = source();
    if (typeof (w as NodeWorker | null)?.on === "function") return watchNode(w as NodeWorker, h);
    if (typeof (w as WebWorker | null)?.addEventListener === "function") return watchWeb(w as WebWorker, "the worker", h);
    throw new TensorloomError(
      `trainInWorker: the factory returned ${w === null ? "null" : typeof w}, not a Worker. Return the started worker: () => new Worker(new URL("./train.js", import.meta.url), { type: "module" }).`,
    );
  }
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const NodeW = (p?.getBuiltinModule?.("node:worker_threads") as { Worker?: NodeWorkerCtor } | undefined)?.Worker;
  if (NodeW) return watchNode(new NodeW(source), h);
  const WebW = (globalThis as { Worker?: WebWorkerCtor }).Worker;
  if (WebW) return watchWeb(new WebW(source, { type }), `the worker at ${String(source)}`, h);
  throw new TensorloomError(
    "trainInWorker: this runtime has neither worker_threads (Node) nor Web Workers; train on this thread with tl.train.fit instead.",
  );
}

/**
 * Run a training function in a worker, off the calling thread: `source` is the URL of a module
 * that calls tl.train.serveTraining, or a function that starts it (`() => new Worker(new
 * URL("./train.js", import.meta.url), { type: "module" })`, the form bundlers such as Vite and
 * webpack recognise and bundle the worker for); `config` (structured-cloneable: numbers, strings, arrays, typed arrays)
 * is copied at the call, the buffers in `opts.transfer` moved rather than copied, and handed to
 * its function. Web Workers in browsers (a module worker by default), worker_threads
 * in Node. Progress arrives as events (fit's batch and epoch logs, the function's own reports);
 * `job.result` is the returned state dict. No PyTorch equivalent (torch.multiprocessing is the
 * nearest); TF.js users run model.fit in a Web Worker by hand, which this packages.
 *
 * @example
 * // on the page
 * const job = tl.train.trainInWorker(new URL("./train.js", import.meta.url), { epochs: 5 });
 * job.onProgress((e) => { if (e.type === "epoch") console.log(e.epoch, e.trainLoss); });
 * model.loadStateDict(await job.result);
 */
export function trainInWorker<C = unknown, R = unknown>(
  source: string | URL | (() => WorkerLike),
  config: C,
  opts: TrainInWorkerOptions = {},
): TrainingJob<R> {
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  if (!(startTimeoutMs > 0))
    throw new RangeError(`trainInWorker: startTimeoutMs must be a positive number of milliseconds, got ${startTimeoutMs}.`);
  const sent = snapshot(config, opts.transfer ?? []);
  const listeners = new Set<(e: TrainingEvent<R>) => void>();
  let settled = false,
    cancelled = false,
    started = false;
  let resolveResult!: (sd: Record<string, Tensor>) => void, rejectResult!: (e: Error) => void;
  const result = new Promise<Record<string, Tensor>>((res, rej) => {
    resolveResult = res;
    rejectResult = rej;
  });
  // a caller that only iterates the events, or only cancels, must not see an unhandled rejection
  result.catch(() => undefined);
  let worker: WorkerHandle | null = null;
  const finish = (ok: boolean, value: Record<string, Tensor> | Error): void => {
    if (settled) return;
    settled = true;
    clearTimeout(startTimer);
    worker?.terminate();
    if (ok) resolveResult(value as Record<string, Tensor>);
    else rejectResult(value as Error);
    for (const l of ended) l();
  };
  const ended = new Set<() => void>();
  const handlers: Handlers = {
    message(m) {
      if (settled || !isProtocolMessage(m)) return;
      const msg = m as FromWorker;
      switch (msg.tensorloom) {
        case "ready":
          if (started) return;
          started = true;
          clearTimeout(startTimer);
          worker!.post({ tensorloom: "start", config: sent.config }, sent.transfer);
          if (cancelled) worker!.post({ tensorloom: "cancel" });
          return;
        case "event":
          for (const l of [...listeners]) l(msg.event as TrainingEvent<R>);
          return;
        case "result": {
          let sd: Record<string, Tensor>;
          try {
            sd = unpackStateDict(msg.tensors);
          } catch (e) {
            return finish(false, e as Error); // a message not from serveTraining (a shape that does not fit its data)
          }
          return finish(true, sd);
        }
        case "error":
          return finish(false, unpackError(msg.error));
      }
    },
    fail: (e) => finish(false, e),
  };
  const startTimer = setTimeout(
    () =>
      finish(
        false,
        new TensorloomError(
          `trainInWorker: ${typeof source === "function" ? "the worker" : `the worker at ${String(source)}`} did not call tl.train.serveTraining within ${startTimeoutMs / 1000} s. Call serveTraining(fn) at the top level of the worker module, or raise startTimeoutMs if its setup is slow.`,
        ),
      ),
    startTimeoutMs,
  );
  try {
    worker = startWorker(source, opts.type ?? "module", handlers);
  } catch (e) {
    finish(false, e instanceof Error ? e : new TensorloomError(String(e)));
  }

  return {
    result,
    onProgress(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    cancel() {
      if (cancelled || settled) return;
      cancelled = true;
      if (started) worker!.post({ tensorloom: "cancel" });
    },
    terminate() {
      finish(false, new TensorloomError("trainInWorker: the job was terminated (job.terminate()) before the worker sent a result."));
    },
    [Symbol.asyncIterator]() {
      return eventIterator(
        this,
        result,
        (l) => {
          ended.add(l);
          return () => void ended.delete(l);
        },
        () => settled,
      );
    },
  };
}

/**
 * The config as it is now, its `transfer` buffers moved into the copy (structuredClone keeps
 * their identity, so the copy's list names the moved buffers): the worker asks for it only once
 * it is ready, and neither a later change nor the caller's reuse of a transferred buffer may
 * reach it. A config that cannot be cloned fails here, at the call.
 */
function snapshot(config: unknown, transfer: Transferable[]): { config: unknown; transfer: Transferable[] } {
  const values = typeof config === "object" && config !== null ? [config, ...Object.values(config)] : [];
  const t = values.find((v) => v instanceof Tensor);
  if (t) {
    throw new TensorloomError(
      `trainInWorker: the config holds a Tensor${t === config ? "" : ` (key "${Object.keys(config as object).find((k) => (config as Record<string, unknown>)[k] === t)}")`}, which does not survive the trip to a worker. Pass its values and shape instead ({ data: t.data, shape: t.shape }, and tl.fromStorage(data, shape) in the worker).`,
    );
  }
  try {
    const c = structuredClone({ config, transfer }, { transfer });
    return { config: c.config, transfer: c.transfer };
  } catch (e) {
    throw new TensorloomError(
      `trainInWorker: the config cannot be sent to a worker (${String(e)}). Pass numbers, strings, booleans, arrays, plain objects and typed arrays; functions and class instances do not cross.`,
    );
  }
}

/**
 * Events from the iterator's creation on, buffered until read; it ends when the job settles,
 * and throws the job's error when it failed (after the events that came first).
 */
function eventIterator<R>(
  job: TrainingJob<R>,
  result: Promise<unknown>,
  onEnd: (l: () => void) => () => void,
  isSettled: () => boolean,
): AsyncIterator<TrainingEvent<R>> {
  const queue: TrainingEvent<R>[] = [];
  let wake: (() => void) | null = null;
  let done = isSettled();
  const off = job.onProgress((e) => {
    queue.push(e);
    wake?.();
  });
  const offEnd = onEnd(() => {
    done = true;
    wake?.();
  });
  const close = (): void => {
    off();
    offEnd();
  };
  return {
    async next(): Promise<IteratorResult<TrainingEvent<R>>> {
      while (queue.length === 0 && !done)
        await new Promise<void>((r) => {
          wake = r;
        });
      wake = null;
      if (queue.length > 0) return { value: queue.shift()!, done: false };
      close();
      await result; // throws the job's error
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<TrainingEvent<R>>> {
      close();
      return { value: undefined, done: true };
    },
  };
}
