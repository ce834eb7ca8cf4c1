// float32 log-softmax over the last dim (inner == 1) on the wasm kernel; other cases take the reference kernel.

import type { TypedArray } from "../../tensor/dtype.js";
import { logSoftmax as referenceLogSoftmax } from "../reference/softmax.js";
import type { Arena, WasmRuntime } from "./runtime.js";

export function makeSoftmax(rt: WasmRuntime, arena: Arena) {
  return {
    logSoftmax(x: TypedArray, out: TypedArray, outer: number, size: number, inner: number): void {
      if (inner !== 1 || !(x instanceof Float32Array && out instanceof Float32Array) || out.length === 0)
        return referenceLogSoftmax(x, out, outer, size, inner);
      arena.call([x], [out], ([px, po]) => rt.exports.logSoftmax(px!, po!, outer, size));
    },
  };
}
