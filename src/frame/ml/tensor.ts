// Frames to tensors: the numeric columns side by side as a [rows, columns] tensor. The values are
// checked and laid out here; the tensor itself comes from the core through ml/bridge.ts, so this
// file (and the DataFrame/Series methods that call it) loads no tensor core.

import { type Column, isStringLike, numericView, quote } from "../column.js";
import { FrameError } from "../errors.js";
import { makeTensor } from "./bridge.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DType } from "../../tensor/dtype.js";
import { columnOf } from "../frames.js";

/** The columns of a frame (the fields toTensor reads; a DataFrame has them). */
interface Columns {
  readonly data: readonly Column[];
  readonly length: number;
  colIndex(op: string, name: string): number;
}

export function frameToTensor(df: Columns, columns: string[], dtype: DType): Tensor {
  const text = columns.filter((k) => isStringLike(columnOf(df, "toTensor", k)));
  if (text.length)
    throw new FrameError(
      `toTensor: column${text.length > 1 ? "s" : ""} ${text.map((k) => quote(k)).join(", ")} hold${text.length > 1 ? "" : "s"} text; tensors hold numbers. Encode with getDummies()/factorize(), or pass the numeric columns.`,
    );
  const rows = df.length,
    width = columns.length;
  const flat = new Float64Array(rows * width);
  columns.forEach((k, j) => {
    const v = numericView("toTensor", columnOf(df, "toTensor", k), k);
    for (let i = 0; i < rows; i++) {
      if ((dtype === "int32" || dtype === "bool") && v[i] !== v[i])
        throw new FrameError(
          `toTensor: column ${quote(k)} row ${i} is missing, which ${dtype} cannot hold. Fill it (fillna) or ask for a float dtype.`,
        );
      flat[i * width + j] = v[i]!;
    }
  });
  return makeTensor("toTensor", flat, [rows, width], dtype);
}

export function columnToTensor(col: Column, name: string | null, dtype: DType): Tensor {
  if (isStringLike(col))
    throw new FrameError(
      `toTensor: column ${quote(name)} is ${col.dtype}; tensors hold numbers. Encode it first with factorize() or getDummies().`,
    );
  const v = numericView("toTensor", col, name);
  if ((dtype === "int32" || dtype === "bool") && v.some((x) => x !== x))
    throw new FrameError(
      `toTensor: column ${quote(name)} has missing values, which ${dtype} cannot hold. Fill them (fillna) or use a float dtype.`,
    );
  return makeTensor("toTensor", v, [v.length], dtype);
}
