/**
 * tensorloom/frame/parquet: Parquet files in and out (needs the hyparquet and hyparquet-writer
 * packages, optional peer dependencies), whole or one row group at a time.
 *
 * @module tensorloom/frame/parquet
 */
export {
  readParquet,
  readParquetRowGroups,
  readParquetInfo,
  toParquet,
  writeParquet,
  type ParquetSource,
  type ReadParquetOptions,
  type ToParquetOptions,
  type ParquetInfo,
  type ParquetRowGroup,
  type ParquetColumnStats,
} from "./io/parquet.js";
