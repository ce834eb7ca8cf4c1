// The one place the frame meets the tensor core. tensorloom/frame stays free of the core (no
// tensors, no wasm in a frame-only bundle; ../shared/DESIGN.md): df.toTensor() asks this slot for
// the core's tensor constructor, which the core puts here when it loads (src/index.ts, through
// ml/connect.ts) and so does "tensorloom/frame/ml" (ml/index.ts). Without either, toTensor says
// which import to add instead of loading the core behind the user's back.

import { FrameError } from "../errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DType } from "../../tensor/dtype.js";

/** Row-major values and a shape in, a tensor of `dtype` out (the core's `tensor(values, { shape, dtype })`). */
export type MakeTensor = (values: Float64Array, shape: number[], dtype: DType) => Tensor;

let make: MakeTensor | undefined;

/** Called by the core when it loads; the frame never imports the core itself. */
export function provideTensor(fn: MakeTensor): void {
  make = fn;
}

export function makeTensor(op: string, values: Float64Array, shape: number[], dtype: DType): Tensor {
  if (make === undefined) {
    throw new FrameError(
      `${op}: the tensor core is not loaded; tensorloom/frame alone carries no tensors (so a frame-only bundle has no wasm). Use toTensor from "tensorloom/frame/ml" (toTensor(df, columns)), or import "tensorloom" once, which makes df.toTensor() work.`,
    );
  }
  return make(values, shape, dtype);
}
