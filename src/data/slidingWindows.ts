// The autoregressive framing of a time series: inputs x_{t-tau}..x_{t-1} and targets
// x_t..x_{t+horizon-1} for every position t, as two tensors with one sample per row, ready for a
// TensorDataset / DataLoader. 1-D series and multivariate [T, features] series.

import { Tensor } from "../tensor/tensor.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import { getDefaultDtype } from "../tensor/dtype.js";
import { tensor } from "../tensor/create.js";
import { indexSelect } from "../ops/indexing.js";
import { reshape } from "../ops/movement.js";

/** Options of slidingWindows: stride between windows and, for a multivariate series, the targetColumns to predict. */
export interface SlidingWindowOptions {
  /** Steps between consecutive windows (default 1). */
  stride?: number;
  /** Multivariate series: predict only these feature columns (y gets [N, horizon, columns.length]). */
  targetColumns?: readonly number[];
}

/** The samples slidingWindows cuts: inputs x and targets y (a pair of tensors rather than a Dataset; wrap them in TensorDataset). */
export interface Windows {
  /** Inputs: [N, tau] for a 1-D series, [N, tau, F] for a [T, F] series. */
  x: Tensor;
  /** Targets: [N, horizon], or [N, horizon, F] (F = targetColumns.length when given). */
  y: Tensor;
}

/**
 * Cut `series` into windows of `tau` inputs followed by `horizon` targets: sample i has
 * x = series[s..s+tau-1] and y = series[s+tau..s+tau+horizon-1] with s = i * stride, for every s
 * where both fit: N = floor((T - tau - horizon) / stride) + 1 samples. JS arrays become tensors
 * of the default float dtype; a tensor keeps its dtype.
 * @example tl.data.slidingWindows(tl.arange(10), 3, 2).x // shape [6, 3]
 */
export function slidingWindows(
  series: Tensor | readonly number[] | readonly (readonly number[])[],
  tau: number,
  horizon = 1,
  opts: SlidingWindowOptions = {},
): Windows {
  const s = series instanceof Tensor ? series : tensor(series as number[], { dtype: getDefaultDtype() });
  const stride = opts.stride ?? 1;
  if (s.ndim !== 1 && s.ndim !== 2)
    throw new ShapeError(`slidingWindows: series must be 1-D [T] or 2-D [T, features], got ${fmt(s.shape)}.`);
  for (const [name, v] of [
    ["tau", tau],
    ["horizon", horizon],
    ["stride", stride],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(`slidingWindows: ${name} must be a positive integer, got ${v}.`);
  }
  const T = s.shape[0]!;
  if (T < tau + horizon) {
    throw new ValueError(
      `slidingWindows: a series of ${T} steps is too short for tau ${tau} and horizon ${horizon}: one window needs tau + horizon = ${tau + horizon} steps. Use a smaller tau or horizon.`,
    );
  }
  const n = Math.floor((T - tau - horizon) / stride) + 1;
  const rows = (offset: number, len: number): Tensor => {
    const idx = new Int32Array(n * len);
    for (let i = 0; i < n; i++) for (let j = 0; j < len; j++) idx[i * len + j] = i * stride + offset + j;
    const picked = indexSelect(s, 0, tensor(idx));
    return reshape(picked, [n, len, ...s.shape.slice(1)]);
  };
  let y = rows(tau, horizon);
  if (opts.targetColumns !== undefined) {
    if (s.ndim !== 2) throw new ValueError(`slidingWindows: targetColumns needs a multivariate [T, features] series, got ${fmt(s.shape)}.`);
    y = indexSelect(y, 2, tensor(Int32Array.from(opts.targetColumns)));
  }
  return { x: rows(0, tau), y };
}
