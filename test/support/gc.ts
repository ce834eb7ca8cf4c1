// A full garbage collection on request, for Node tests that ask whether the collector frees
// backend memory (wasm blocks, GPU buffers) rather than when it chooses to run.
import { setFlagsFromString } from "node:v8";
import { setImmediate } from "node:timers/promises";
import { runInNewContext } from "node:vm";

/** V8's gc(): the flag exposes it to contexts created after it is set, so one is made for it. */
export function fullCollection(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** A full collection, then two turns of the event loop for the FinalizationRegistry callbacks it queued. */
export async function collectAndFinalize(): Promise<void> {
  fullCollection()();
  await setImmediate();
  await setImmediate();
}
