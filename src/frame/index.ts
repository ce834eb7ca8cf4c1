/**
 * tensorloom/frame: DataFrame, Series and their IO. `import { DataFrame, readCsv } from "tensorloom/frame"`.
 * Browser-safe like the core: files on disk are read through "tensorloom/frame/node" (io/node.ts).
 * Stands alone: it loads no tensor core and no wasm; tensors come from "tensorloom/frame/ml"
 * (toTensor, fromTensor), and df.toTensor() works once "tensorloom" is imported.
 *
 * @module tensorloom/frame
 */

export { DataFrame, type ColumnInput, type FrameOptions, type AssignValue } from "./table.js";
export { Series, type SeriesOptions, type ValueCountsOptions } from "./series.js";
export { type FrameDType, type AstypeDType, type Scalar, FRAME_DTYPES, parseDate } from "./column.js";
export { FrameError } from "./errors.js";
export type { Index, MultiIndex, ColumnIndex, LabelKey } from "./labels.js";
export type { XsOptions, AxisNames, LevelAxis, RenameAxisOptions, SortIndexOptions } from "./multiIndex.js";
export { slice, type Slice } from "./slice.js";
export { GroupBy, type AggInput, type NamedAgg, type GroupByOptions, type GroupSize } from "./verbs/groupby.js";
export { SeriesGroupBy } from "./verbs/seriesGroupby.js";
export { type AggName, type AggSpec, AGG_NAMES } from "./aggregates.js";
export { merge, type MergeOptions, type JoinOptions, type How } from "./verbs/merge.js";
export { concat, type ConcatOptions } from "./verbs/concat.js";
export {
  crosstab,
  pivotTable,
  pivot,
  melt,
  type PivotTableOptions,
  type PivotOptions,
  type CrosstabOptions,
  type MeltOptions,
} from "./verbs/reshape.js";
export { Rolling, Expanding, Ewm, type RollingOptions, type EwmOptions } from "./verbs/window.js";
export { Resampler, SeriesResampler, type SeriesResampleOptions } from "./verbs/resample.js";
export type { FrameReduction, ReduceOptions, QuantileOptions } from "./verbs/reduce.js";
export type { FrameOperand, FrameArithOptions } from "./verbs/frameArith.js";
export type { ArithOptions, ClipBound } from "./verbs/arith.js";
export type { RankMethod, RankOptions } from "./verbs/rank.js";
export { readCsv, readCsvChunks, readCsvStream, decodeUtf8, DEFAULT_NA, type ReadCsvOptions } from "./io/csv.js";
export { groupbyChunks, type ChunkAggName } from "./io/chunks.js";
export { toCsv, type ToCsvOptions } from "./io/csvWrite.js";
export { readJson, toJson, type JsonOrient, type ReadJsonOptions } from "./io/json.js";
export {
  getDummies,
  factorize,
  StandardScaler,
  MinMaxScaler,
  trainTestSplit,
  type GetDummiesOptions,
  type SplitOptions,
} from "./ml/preprocessing.js";
export { displayOptions } from "./format/text.js";
export { toNumeric, toDatetime } from "./convert.js";
export type { NKeep } from "./sort.js";
