// Frames to tensors: the numeric columns side by side as a [rows, columns] tensor.

import { isStringLike, numericView, quote } from "../column.js";
import { FrameError } from "../errors.js";
import { tensor } from "../../tensor/create.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DType } from "../../tensor/dtype.js";
import type { DataFrame } from "../table.js";

export function frameToTensor(df: DataFrame, columns: string[], dtype: DType): Tensor {
  const text = columns.filter((k) => isStringLike(df.data[df.colIndex("toTensor", k)]!));
  if (text.length) throw new FrameError(`toTensor: column${text.length > 1 ? "s" : ""} ${text.map((k) => quote(k)).join(", ")} hold${text.length > 1 ? "" : "s"} text; tensors hold numbers. Encode with getDummies()/factorize(), or pass the numeric columns.`);
  const rows = df.length, width = columns.length;
  const flat = new Float64Array(rows * width);
  columns.forEach((k, j) => {
    const v = numericView("toTensor", df.data[df.colIndex("toTensor", k)]!, k);
    for (let i = 0; i < rows; i++) {
      if ((dtype === "int32" || dtype === "bool") && v[i] !== v[i]) throw new FrameError(`toTensor: column ${quote(k)} row ${i} is missing, which ${dtype} cannot hold. Fill it (fillna) or ask for a float dtype.`);
      flat[i * width + j] = v[i]!;
    }
  });
  return tensor(flat, { dtype, shape: [rows, width] });
}
