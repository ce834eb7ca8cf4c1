// Test support for the Parquet suite (no tests of its own): the frame whose Parquet file
// test/fixtures/parquet/tensorloom_written.parquet holds, checked by DuckDB when
// bench/frame/parquetInterop.ts made it. Named *.test.ts so the build leaves it out.

import { readFileSync } from "node:fs";
import { DataFrame, readCsv } from "../index.js";

/** airquality (ints with missing values as float64, as pandas) plus one column of every other dtype, with missing values, on a named label index. */
export function interopFrame(): DataFrame {
  const air = readCsv(readFileSync(new URL("../../../test/fixtures/data/airquality.csv", import.meta.url), "utf8"));
  const n = air.length;
  const pick = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  return new DataFrame(
    {
      ...Object.fromEntries(air.names.map((k) => [k, air.col(k)])),
      nullableInt: pick((i) => (i % 7 === 3 ? null : i * 1000 - 50_000)),
      flag: pick((i) => (i % 11 === 5 ? null : i % 3 === 0)),
      label: pick((i) => (i % 13 === 4 ? null : ["alpha", "beta", "gamma ñ", "δέλτα", ""][i % 5]!)),
      size: pick((i) => ["S", "M", "L"][i % 3]!),
      when: pick((i) => (i % 17 === 2 ? null : new Date(Date.UTC(1973, 4, 1) + i * 86_400_000 + (i % 24) * 3_600_000 + 123))),
      key: pick((i) => `k${String(i).padStart(3, "0")}`),
    },
    { dtypes: { nullableInt: "int64", size: "category" } },
  ).setIndex("key");
}

/** The options the fixture file was written with (several row groups, so DuckDB reads across them). */
export const INTEROP_OPTIONS = { rowGroupSize: 50 } as const;
