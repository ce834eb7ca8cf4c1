/**
 * tensorloom/frame/ml: frames to tensors and back, for a model. `import { toTensor } from "tensorloom/frame/ml"`.
 * tensorloom/frame stands alone (no tensor core, no wasm); this entry brings the core in, so a
 * bundle pays for tensors only where they are used. Importing it (or "tensorloom") also makes the
 * methods df.toTensor() and series.toTensor() work.
 *
 * @module tensorloom/frame/ml
 */

import "../../ops/methods.js"; // the tensors made here get their methods (x.add, x.sum...)
import "./connect.js"; // df.toTensor() and series.toTensor() reach the core through ml/bridge.ts
import { DataFrame } from "../table.js";
import type { Series } from "../series.js";
import type { Scalar } from "../column.js";
import { columnToTensor, frameToTensor } from "./tensor.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DType } from "../../tensor/dtype.js";

/**
 * A frame's numeric columns as a 2-D tensor [rows, columns] (float32 unless `dtype`), or a Series
 * as a 1-D tensor, as torch.tensor(df[columns].to_numpy()). The same as df.toTensor(columns, dtype)
 * and series.toTensor(dtype). Missing values become NaN (int32 and bool refuse them); text columns
 * are refused with their names (encode with getDummies or factorize first).
 * @param columns which columns of a frame (default: all)
 */
export function toTensor(df: DataFrame, columns?: string[], dtype?: DType): Tensor;
export function toTensor(series: Series, dtype?: DType): Tensor;
export function toTensor(x: DataFrame | Series, a?: string[] | DType, b?: DType): Tensor {
  if (x instanceof DataFrame) return frameToTensor(x, (a as string[] | undefined) ?? x.names.slice(), b ?? "float32");
  return columnToTensor(x.col, x.name, (a as DType | undefined) ?? "float32");
}

/**
 * A frame from a 1-D or 2-D tensor, one column per tensor column (named 0, 1, ... unless
 * `columns`), as pd.DataFrame(t.numpy(), columns=...). The same as DataFrame.fromTensor.
 */
export function fromTensor(t: Tensor, opts: { columns?: string[]; index?: readonly Scalar[] } = {}): DataFrame {
  return DataFrame.fromTensor(t, opts);
}
