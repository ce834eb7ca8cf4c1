// The messages between trainInWorker (the thread that starts the job) and serveTraining (the
// worker), and how state dicts and errors cross between them. Shared by both sides so the two
// cannot drift; it knows nothing of Node or browsers (workerHost.ts and workerServe.ts do).

import { Tensor } from "../tensor/tensor.js";
import type { TypedArray } from "../tensor/dtype.js";
import * as errors from "../tensor/errors.js";
import type { BatchLog, EpochLog } from "./fit.js";

/** A progress event from a training worker: fit's batch and epoch logs (via ctx.progressCallback()) or the training function's own ctx.report(data); the logs TF.js passes to onBatchEnd/onEpochEnd, as messages (PyTorch has none). */
export type TrainingEvent<R = unknown> = ({ type: "batch" } & BatchLog) | ({ type: "epoch" } & EpochLog) | { type: "report"; data: R };

/** One state-dict entry as it travels: its typed array keeps the dtype, the shape rides beside it. */
interface PackedTensor {
  key: string;
  shape: number[];
  data: TypedArray;
}

/** An error as it travels: structured clone keeps neither its class nor (everywhere) its stack. */
export interface PackedError {
  name: string;
  message: string;
  stack?: string;
}

/** Host to worker. "cancel" may arrive at any time after "start". */
export type ToWorker = { tensorloom: "start"; config: unknown } | { tensorloom: "cancel" };

/** Worker to host: "ready" once serveTraining listens, then events, then one "result" or "error". */
export type FromWorker =
  | { tensorloom: "ready" }
  | { tensorloom: "event"; event: TrainingEvent }
  | { tensorloom: "result"; tensors: PackedTensor[] }
  | { tensorloom: "error"; error: PackedError };

/** Whether a message is one of ours (a worker may post its own messages too). */
export function isProtocolMessage(m: unknown): m is FromWorker & ToWorker {
  return typeof m === "object" && m !== null && typeof (m as { tensorloom?: unknown }).tensorloom === "string";
}

/**
 * The state dict as typed arrays plus the buffers to transfer (move, not copy). A storage that
 * spans its whole ArrayBuffer moves as it is; one that shares its buffer (a view, a slice of a
 * bigger block) or lives in shared memory is copied first, so the transfer detaches nothing else.
 * After the transfer the worker's tensors are empty: this is the job's last act.
 */
export function packStateDict(sd: Record<string, Tensor>, where: string): { tensors: PackedTensor[]; transfer: ArrayBuffer[] } {
  if (typeof (sd as { stateDict?: unknown } | null)?.stateDict === "function") {
    throw new errors.ValueError(
      `${where}: the training function returned ${describe(sd)} (a module); return its state dict instead: model.stateDict().`,
    );
  }
  if (typeof sd !== "object" || sd === null || Array.isArray(sd)) {
    throw new errors.ValueError(
      `${where}: the training function returned ${describe(sd)}; it must return a state dict (an object of tensors), e.g. model.stateDict().`,
    );
  }
  const tensors: PackedTensor[] = [];
  const transfer = new Set<ArrayBuffer>();
  for (const [key, t] of Object.entries(sd)) {
    if (!(t instanceof Tensor)) {
      throw new errors.ValueError(
        `${where}: entry "${key}" of the returned state dict is ${describe(t)}, not a Tensor; return model.stateDict(), or an object whose values are tensors.`,
      );
    }
    const s = t.storage;
    const whole = s.buffer instanceof ArrayBuffer && s.byteOffset === 0 && s.byteLength === s.buffer.byteLength && !transfer.has(s.buffer);
    const data = whole ? s : s.slice();
    transfer.add(data.buffer as ArrayBuffer);
    tensors.push({ key, shape: [...t.shape], data });
  }
  return { tensors, transfer: [...transfer] };
}

/** The received state dict: tensors on the arrays that arrived (no copy). */
export function unpackStateDict(tensors: PackedTensor[]): Record<string, Tensor> {
  const sd: Record<string, Tensor> = {};
  for (const { key, shape, data } of tensors) sd[key] = new Tensor(data, shape);
  return sd;
}

export function packError(e: unknown): PackedError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: "Error", message: `the training function threw ${describe(e)}, not an Error` };
}

/** Built-in and tensorloom error classes, by name: the host rebuilds the worker's class so instanceof works. */
const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  TensorloomError: errors.TensorloomError,
  ShapeError: errors.ShapeError,
  DTypeError: errors.DTypeError,
  IndexError: errors.IndexError,
  ValueError: errors.ValueError,
  AutogradError: errors.AutogradError,
  UnsupportedKernelError: errors.UnsupportedKernelError,
  BackendError: errors.BackendError,
};

/** The worker's error on this side: its class where known (else Error with its name), message and stack as thrown. */
export function unpackError(p: PackedError): Error {
  const Ctor = Object.hasOwn(ERROR_CLASSES, p.name) ? ERROR_CLASSES[p.name]! : Error;
  const e = new Ctor(p.message);
  e.name = p.name;
  // the worker's stack names the frames where it was thrown, which is what a reader needs
  if (p.stack !== undefined) e.stack = p.stack;
  return e;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined (a missing return?)";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "object"}`;
  return typeof v === "string" ? `the string ${JSON.stringify(v.slice(0, 40))}` : `${typeof v} ${String(v)}`;
}
