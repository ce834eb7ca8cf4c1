// Which backend runs the kernels. Ops call kernels() and never name a backend.

import { UnsupportedKernelError } from "../tensor/errors.js";
import type { Backend, BackendName } from "./backend.js";
import { referenceBackend } from "./reference/index.js";

const available: Partial<Record<BackendName, Backend>> = { reference: referenceBackend };
let current: Backend = referenceBackend;
let numThreads = 1;

/** The active backend's kernels. */
export function kernels(): Backend {
  return current;
}

/** Switch backend for all following ops: "reference" (plain TypeScript) or "wasm". */
export function setBackend(name: BackendName): void {
  const b = available[name];
  if (!b) {
    const names = Object.keys(available).join(", ");
    throw new UnsupportedKernelError(`setBackend: backend "${name}" is not available in this build (available: ${names}). The WebAssembly backend is planned (issue #7); use "reference" until then.`);
  }
  current = b;
}

/** The backends this build can run, for tests that run every fixture on each. */
export function availableBackends(): BackendName[] {
  return Object.keys(available) as BackendName[];
}

export function getBackend(): BackendName {
  return current.name;
}

/** Threads the fast backends may use; the reference backend is single-threaded and ignores it. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: n must be a positive integer, got ${n}.`);
  numThreads = n;
}

export function getNumThreads(): number {
  return numThreads;
}

export type { Backend, BackendName } from "./backend.js";
