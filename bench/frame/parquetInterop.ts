// Parquet interop fixtures, made with DuckDB (@duckdb/node-api, a devDependency of bench/frame only:
// Debian has no pyarrow, and the root package must not need DuckDB). Writes into test/fixtures/parquet/:
//   duckdb_types.parquet (snappy) and duckdb_types_zstd.parquet: 5,000 rows in 3 row groups, one
//     column of each type DuckDB writes for a frame (BIGINT and INTEGER with NULLs, DOUBLE with NULL,
//     VARCHAR with NULL and non-ASCII text, BOOLEAN, DATE, TIMESTAMP, TIMESTAMP_MS, DECIMAL(10,2));
//   duckdb_nested.parquet: an INTEGER column beside a LIST column (which readParquet must refuse);
//   duckdb_types.json.gz: DuckDB's own reading of duckdb_types.parquet, column by column
//     (dates and timestamps as epoch ms, decimals as doubles), and the row-group statistics;
//   tensorloom_written.parquet: toParquet(interopFrame()) (src/frame/io/parquetKit.test.ts), and
//   tensorloom_written.duckdb.json: what DuckDB reads from it (column types and every value).
// The tests read these files; they never run DuckDB. Rerun after changing the writer:
//   cd bench/frame && npm install && node --import tsx parquetInterop.ts

import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { toParquet } from "../../src/frame/io/parquet.js";
import { INTEROP_OPTIONS, interopFrame } from "../../src/frame/io/parquetKit.test.js";

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, "../../test/fixtures/parquet");
mkdirSync(OUT, { recursive: true });

const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
const rows = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
const version = (await rows("SELECT version() AS v"))[0]!.v as string;

const TYPES = `SELECT
  CASE WHEN range % 7 = 3 THEN NULL ELSE range * 1000003 - 2000000000 END::BIGINT AS big,
  CASE WHEN range % 9 = 4 THEN NULL ELSE (range % 1000) - 500 END::INTEGER AS small,
  CASE WHEN range % 11 = 5 THEN NULL ELSE range / 7.0 - 300 END::DOUBLE AS x,
  CASE WHEN range % 13 = 6 THEN NULL WHEN range % 5 = 0 THEN 'naïve ' || (range % 40)::VARCHAR ELSE 'city' || (range % 50)::VARCHAR END AS city,
  CASE WHEN range % 17 = 8 THEN NULL ELSE range % 3 = 0 END AS flag,
  (DATE '2020-01-01' + (range % 900)::INTEGER) AS day,
  (TIMESTAMP '2021-06-01 00:00:00' + to_seconds(range * 3607)) + to_microseconds((range % 1000) * 1000) AS ts,
  CAST(TIMESTAMP '1999-12-31 23:00:00' + to_seconds(range * 61) AS TIMESTAMP_MS) AS ts_ms,
  ((range % 100000) / 100.0 - 250)::DECIMAL(10, 2) AS price
FROM range(5000)`;
const typesFile = join(OUT, "duckdb_types.parquet");
await con.run(`COPY (${TYPES}) TO '${typesFile}' (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION snappy)`);
await con.run(`COPY (${TYPES}) TO '${join(OUT, "duckdb_types_zstd.parquet")}' (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION zstd)`);
await con.run(
  `COPY (SELECT range::INTEGER AS id, [range, range + 1] AS pair FROM range(10)) TO '${join(OUT, "duckdb_nested.parquet")}' (FORMAT parquet)`,
);

// DuckDB's reading, as columns of JSON values (BIGINTs come back as text from getRowObjectsJson)
const read = await rows(
  `SELECT big::DOUBLE AS big, small, x, city, flag, epoch_ms(day::TIMESTAMP) AS day, epoch_ms(ts) AS ts, epoch_ms(ts_ms::TIMESTAMP) AS ts_ms, price::DOUBLE AS price FROM read_parquet('${typesFile}')`,
);
const columns = Object.fromEntries(
  Object.keys(read[0]!).map((k) => [
    k,
    read.map((r) => (r[k] === null ? null : typeof r[k] === "string" && k !== "city" ? Number(r[k]) : r[k])),
  ]),
);
const groups = await rows(
  `SELECT row_group_id::INTEGER AS g, row_group_num_rows::INTEGER AS n, path_in_schema AS col, stats_min_value AS min, stats_max_value AS max, stats_null_count::INTEGER AS nulls FROM parquet_metadata('${typesFile}') ORDER BY g, column_id`,
);
const schema = await rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${typesFile}'))`);
writeFileSync(join(OUT, "duckdb_types.json.gz"), gzipSync(JSON.stringify({ duckdb: version, schema, columns, rowGroups: groups })));

// the other direction: a file tensorloom writes, read by DuckDB
const twFile = join(OUT, "tensorloom_written.parquet");
writeFileSync(twFile, toParquet(interopFrame(), INTEROP_OPTIONS));
const twSchema = await rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${twFile}'))`);
const twTypes = Object.fromEntries(twSchema.map((r) => [r.column_name as string, r.column_type as string]));
const selectList = twSchema
  .map((r) => {
    const k = `"${r.column_name as string}"`;
    return String(r.column_type).startsWith("TIMESTAMP")
      ? `epoch_ms(${k}) AS ${k}`
      : String(r.column_type) === "BIGINT"
        ? `${k}::DOUBLE AS ${k}`
        : k;
  })
  .join(", ");
const twRows = await rows(`SELECT ${selectList} FROM read_parquet('${twFile}')`);
const twColumns = Object.fromEntries(
  twSchema.map((r) => {
    const k = r.column_name as string;
    return [
      k,
      twRows.map((row) =>
        row[k] === null ? null : twTypes[k] === "VARCHAR" ? row[k] : typeof row[k] === "string" ? Number(row[k]) : row[k],
      ),
    ];
  }),
);
const twMeta = await rows(`SELECT count(DISTINCT row_group_id)::INTEGER AS groups FROM parquet_metadata('${twFile}')`);
writeFileSync(
  join(OUT, "tensorloom_written.duckdb.json"),
  JSON.stringify({ duckdb: version, types: twTypes, rowGroups: twMeta[0]!.groups, columns: twColumns }) + "\n",
);
console.log(`DuckDB ${version}: wrote fixtures to ${OUT}; DuckDB read tensorloom's file as`, twTypes);
