// optimStep on the wasm kernels (assembly/optim.ts) for float32 parameters: the reference kernel's
// loop in JS cost ~100 ns per element here (a fround per operation, polymorphic over host arrays
// and views of wasm memory), a whole optimizer step of a small CNN took longer than its
// forward. The scalars are the reference's own (sgdScalars, adamScalars), so the update has the
// reference's bits (tested against it in wasm.test.ts). float64 takes the reference.

import type { TypedArray } from "../../tensor/dtype.js";
import type { OptimStep } from "../backend.js";
import { adamScalars, optimStep as referenceOptimStep, sgdScalars } from "../reference/optim.js";
import type { Arena, WasmRuntime } from "./runtime.js";

export function makeOptim(rt: WasmRuntime, arena: Arena) {
  const k = rt.exports;
  return {
    optimStep(h: OptimStep, p: TypedArray, grad: TypedArray, s0: TypedArray | null, s1: TypedArray | null, s2: TypedArray | null): void {
      const n = p.length;
      const f32 = (x: TypedArray | null): x is Float32Array => x instanceof Float32Array && x.length >= n;
      // the state the kernel reads, as the reference: SGD's buffer with momentum, Adam's m and v, and vmax with amsgrad when given
      const momentum = h.rule === "sgd" && h.momentum !== 0 && s0 !== null,
        ams = h.rule === "adam" && h.amsgrad && s2 !== null;
      const stateOk = h.rule === "sgd" ? !momentum || f32(s0) : f32(s0) && f32(s1) && (!ams || f32(s2));
      if (n === 0 || !(p instanceof Float32Array) || !f32(grad) || !stateOk) return referenceOptimStep(h, p, grad, s0, s1, s2);
      arena.reset();
      const pg = arena.input(grad),
        pp = arena.inout(p);
      if (h.rule === "sgd") {
        const flags =
          (h.weightDecay !== 0 ? 1 : 0) | (momentum ? 2 : 0) | (h.first ? 4 : 0) | (h.dampening === 0 ? 8 : 0) | (h.nesterov ? 16 : 0);
        const pb = momentum ? arena.inout(s0 as Float32Array) : 0;
        const { wd, mom, keep, lr } = sgdScalars(h, Math.fround);
        k.sgdStep(pp, pg, pb, n, wd, mom, keep, lr, flags);
      } else {
        const pm = arena.inout(s0 as Float32Array),
          pv = arena.inout(s1 as Float32Array),
          pmax = ams ? arena.inout(s2 as Float32Array) : 0;
        const flags = (h.weightDecay !== 0 ? 1 : 0) | (h.decoupled ? 2 : 0) | (ams ? 4 : 0);
        const { b1, a1, b2, a2, wd, decay, bc2, eps, stepSize } = adamScalars(h, Math.fround);
        k.adamStep(pp, pg, pm, pv, pmax, n, b1, a1, b2, a2, wd, decay, bc2, eps, stepSize, flags);
      }
      arena.finish();
    },
  };
}
