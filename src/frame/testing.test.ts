// Test support for the frame suite (no tests of its own beyond a self-check): load the pandas
// reference JSON made by scripts/fixtures/make_pandas_refs.py and compare frames and Series with
// it (the shared tableEqual of STYLE.md section 7). Named *.test.ts so the build leaves it out.

import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DataFrame, Series, readCsv, type ReadCsvOptions, type Scalar } from "./index.js";
import { readHeader, readRecords } from "./io/csv.js";
import { indexLength, indexNames, indexTuple } from "./labels.js";
import { columnTuples } from "./multiIndex.js";
import { pandasDtype } from "./verbs/describe.js";

export interface EncFrame {
  columns: string[];
  dtypes: string[];
  index: unknown[];
  data: unknown[][];
}
export interface EncSeries {
  name: string | null;
  dtype: string;
  index: unknown[];
  values: unknown[];
}

const cache = new Map<string, Record<string, unknown>>();

/** The cases of test/fixtures/pandas/<area>.json. */
export function pandasCases(area: string): Record<string, unknown> {
  let c = cache.get(area);
  if (!c) {
    const url = new URL(`../../test/fixtures/pandas/${area}.json`, import.meta.url);
    c = (JSON.parse(readFileSync(url, "utf8")) as { cases: Record<string, unknown> }).cases;
    cache.set(area, c);
  }
  return c;
}

export function pandasCase<T>(area: string, name: string): T {
  const c = pandasCases(area)[name];
  assert.ok(c !== undefined, `no pandas case ${area}/${name}; rerun scripts/fixtures/make_pandas_refs.py`);
  return c as T;
}

/** A data set copied into test/fixtures/data. */
export function dataset(name: string, opts: Parameters<typeof readCsv>[1] = {}): DataFrame {
  return readCsv(readFileSync(new URL(`../../test/fixtures/data/${name}.csv`, import.meta.url), "utf8"), opts);
}

export function datasetText(name: string): string {
  return readFileSync(new URL(`../../test/fixtures/data/${name}.csv`, import.meta.url), "utf8");
}

/** Only some columns of an encoded frame. */
export function pick(e: EncFrame, cols: string[]): EncFrame {
  const js = cols.map((k) => e.columns.indexOf(k));
  return { columns: cols, dtypes: js.map((j) => e.dtypes[j]!), index: e.index, data: js.map((j) => e.data[j]!) };
}

/** pandas dtype name -> what tensorloom's column reports (pandasDtype) for the same data. */
const DTYPE_ALIASES: Record<string, string[]> = {
  uint8: ["int64"],
  object: ["object"],
  "datetime64[ns]": ["datetime64[ns]"],
  Int64: ["Int64", "int64"],
};

/** Text with each line's trailing spaces removed (pandas pads printed columns). */
export const rstrip = (text: string): string =>
  text
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n");

/**
 * MultiIndex labels (one tuple per entry) against pandas'. `textLevels`: a level where pandas
 * mixes numbers with "All" holds text here (a column has one type), compared as pandas prints it.
 */
export function labelsEqual(actual: Scalar[][], expected: unknown[][], what: string, textLevels = false): void {
  assert.equal(actual.length, expected.length, `${what}: entries`);
  expected.forEach((t, i) => {
    assert.equal(actual[i]!.length, t.length, `${what}[${i}]: levels`);
    t.forEach((v, l) => cellEqual(actual[i]![l]!, textLevels && typeof v === "number" ? String(v) : v, `${what}[${i}][${l}]`));
  });
}

/** The cases of test/fixtures/<file> (one of the scripts/fixtures/frame_*.py outputs). */
export function fixtureCases(file: string): Record<string, unknown> {
  const url = new URL(`../../test/fixtures/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { cases: Record<string, unknown> }).cases;
}

/** A frame's levels as scripts/fixtures/_frame_cases.py encodes them. */
export interface EncLevels {
  columns: unknown[][];
  column_names: (string | null)[];
  index: unknown[][];
  index_names: (string | null)[];
}

/** Row and column levels (labels with their types, level names) against pandas'; `textLevels` as labelsEqual. */
export function frameLevelsEqual(df: DataFrame, e: EncLevels, textLevels?: boolean): void {
  const ci = df.columnIndex;
  labelsEqual(ci ? columnTuples(ci) : df.names.map((k) => [k]), e.columns, "columns", textLevels);
  assert.deepEqual(ci ? indexNames(ci) : [null], e.column_names, "column level names");
  labelsEqual(
    Array.from({ length: indexLength(df.index) }, (_, i) => indexTuple(df.index, i)),
    e.index,
    "index",
    textLevels,
  );
  assert.deepEqual(indexNames(df.index), e.index_names, "index names");
}

/** Each column's values, by position, against pandas' (one list per column). */
export function columnValuesEqual(df: DataFrame, data: unknown[][]): void {
  data.forEach((col, j) => {
    const vals = Series.fromColumn(df.data[j]!).toArray();
    col.forEach((v, i) => cellEqual(vals[i]!, v, `column ${j} row ${i}`));
  });
}

/** A frame with MultiIndex levels as the MultiIndex scripts encode it, with its printed forms. */
export interface MFrame extends EncLevels {
  dtypes: string[];
  data: unknown[][];
  text: string;
  html?: string;
  markdown?: string;
  repr?: string;
}

/** A Series with MultiIndex levels as the MultiIndex scripts encode it. */
export interface MSeries {
  name: string | null;
  dtype: string;
  index: unknown[][];
  index_names: (string | null)[];
  values: unknown[];
  text: string;
  repr?: string;
}

/** The pandas dtypes a column's dtype may be reported as (a nullable Int64 where pandas keeps NA in ints). */
const DTYPES: Record<string, string[]> = { object: ["object"], int64: ["int64", "Int64"], float64: ["float64"] };
const dtypeMatches = (c: Parameters<typeof pandasDtype>[0], d: string): boolean => (DTYPES[d] ?? [d]).includes(pandasDtype(c));

/** Compare a frame with pandas' result: row and column levels with their names, dtypes, values, and the printed text. */
export function mframeEqual(df: DataFrame, e: MFrame, opts: { textLevels?: boolean } = {}): void {
  frameLevelsEqual(df, e, opts.textLevels);
  e.dtypes.forEach((d, j) => assert.ok(dtypeMatches(df.data[j]!, d), `dtype of column ${j}: ${pandasDtype(df.data[j]!)}, pandas ${d}`));
  columnValuesEqual(df, e.data);
  assert.equal(rstrip(df.toString()), rstrip(e.repr ?? e.text), "printed form");
  if (e.html) assert.equal(df.toHtml(), e.html, "to_html");
  if (e.markdown) assert.equal(df.toMarkdown(), e.markdown, "to_markdown");
}

/** Compare a Series with pandas' result: name, dtype, index levels and names, values, and the printed text. */
export function mseriesEqual(s: Series, e: MSeries): void {
  assert.equal(s.name, e.name, "name");
  assert.ok(dtypeMatches(s.col, e.dtype), `dtype ${pandasDtype(s.col)}, pandas ${e.dtype}`);
  labelsEqual(
    Array.from({ length: s.length }, (_, i) => indexTuple(s.index, i)),
    e.index,
    "index",
  );
  assert.deepEqual(indexNames(s.index), e.index_names, "index names");
  const vals = s.toArray();
  e.values.forEach((v, i) => cellEqual(vals[i]!, v, `[${i}]`));
  // the footer (Name, dtype) is what to_string leaves out
  if (e.repr) assert.equal(rstrip(s.toString()), rstrip(e.repr), "printed form");
  else
    assert.equal(
      rstrip(
        s
          .toString()
          .split("\n")
          .filter((l) => !/^(Name: |dtype: )/.test(l))
          .join("\n"),
      ),
      rstrip(e.text),
      "printed form",
    );
}

/** The case `name` of a fixture file's cases, failing with the script to rerun when it is missing. */
export function caseGetter(cases: Record<string, unknown>, script: string): <T>(name: string) => T {
  return <T>(name: string): T => {
    assert.ok(cases[name] !== undefined, `no case ${name}; rerun scripts/fixtures/${script}`);
    return cases[name] as T;
  };
}

export function cellEqual(actual: Scalar, expected: unknown, label: string, rtol = 1e-9, atol = 1e-12): void {
  if (expected === null) {
    assert.ok(actual === null || (typeof actual === "number" && Number.isNaN(actual)), `${label}: expected missing, got ${String(actual)}`);
    return;
  }
  if (actual instanceof Date) {
    assert.equal(actual.getTime(), expected, `${label}: time`);
    return;
  }
  if (expected === "inf" || expected === "-inf") {
    assert.equal(actual, expected === "inf" ? Infinity : -Infinity, label);
    return;
  }
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${label}: expected ${expected}, got ${JSON.stringify(actual)}`);
    const a = actual as number;
    assert.ok(Math.abs(a - expected) <= atol + rtol * Math.abs(expected), `${label}: ${a} != ${expected}`);
    return;
  }
  assert.equal(actual, expected, label);
}

export interface EqualOptions {
  rtol?: number;
  index?: boolean;
  dtypes?: boolean;
  label?: string;
}

export function frameEqual(actual: DataFrame, expected: EncFrame, opts: EqualOptions = {}): void {
  const label = opts.label ?? "frame";
  assert.deepEqual(actual.columns, expected.columns, `${label}: columns`);
  assert.equal(actual.length, expected.index.length, `${label}: rows`);
  if (opts.dtypes ?? true) {
    const got = actual.data.map(pandasDtype);
    expected.dtypes.forEach((d, j) =>
      assert.ok((DTYPE_ALIASES[d] ?? [d]).includes(got[j]!), `${label}: dtype of ${expected.columns[j]} is ${got[j]}, pandas ${d}`),
    );
  }
  if (opts.index ?? true) {
    const idx = actual.indexValues();
    expected.index.forEach((v, i) => cellEqual(idx[i]!, v, `${label}: index[${i}]`));
  }
  expected.columns.forEach((k, j) => {
    const col = actual.data[j]!;
    const s = Series.fromColumn(col, k);
    const vals = s.toArray();
    expected.data[j]!.forEach((v, i) => cellEqual(vals[i]!, v, `${label}: ${k}[${i}]`, opts.rtol));
  });
}

export function seriesEqual(actual: Series, expected: EncSeries, opts: EqualOptions & { name?: boolean } = {}): void {
  const label = opts.label ?? "series";
  if (opts.name ?? true) assert.equal(actual.name, expected.name, `${label}: name`);
  if (opts.dtypes ?? true)
    assert.ok(
      (DTYPE_ALIASES[expected.dtype] ?? [expected.dtype]).includes(pandasDtype(actual.col)),
      `${label}: dtype ${pandasDtype(actual.col)}, pandas ${expected.dtype}`,
    );
  assert.equal(actual.length, expected.values.length, `${label}: length`);
  if (opts.index ?? true) {
    const idx = actual.indexValues();
    expected.index.forEach((v, i) => cellEqual(idx[i]!, v, `${label}: index[${i}]`));
  }
  const vals = actual.toArray();
  expected.values.forEach((v, i) => cellEqual(vals[i]!, v, `${label}: [${i}]`, opts.rtol));
}

/** Assert fn throws a FrameError whose message matches every pattern. */
export function throwsFrame(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: Error) => {
    assert.equal(e.name, "FrameError", `expected a FrameError, got ${e.name}: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

it("testing helpers compare a frame with its own encoding", () => {
  const df = new DataFrame({ a: [1, 2], b: ["x", null], c: [0.5, NaN] });
  frameEqual(df, {
    columns: ["a", "b", "c"],
    dtypes: ["int64", "object", "float64"],
    index: [0, 1],
    data: [
      [1, 2],
      ["x", null],
      [0.5, null],
    ],
  });
});

/** readCsv's text path (readRecords without bytes), which the byte path must match. */
export function csvTextPath(text: string, opts: ReadCsvOptions = {}): DataFrame {
  return readRecords(text, readHeader(text, opts), opts).df;
}

/** The seeded LCG the readCsv byte-path tests draw their texts from (their seeds name these texts). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
}

/** Parsed JSON alike: the same keys in the same order, numbers within pandas' 10 significant digits (its default double_precision). */
export function jsonEqual(actual: unknown, expected: unknown, path = "$"): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${path}: expected a number, got ${JSON.stringify(actual)}`);
    const a = actual as number;
    assert.ok(Math.abs(a - expected) <= 1e-9 * Math.max(1e-300, Math.abs(expected)), `${path}: ${a} != ${expected}`);
    return;
  }
  if (expected === null || typeof expected !== "object") return assert.equal(actual, expected, path);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array`);
    assert.equal((actual as unknown[]).length, expected.length, `${path}: length`);
    expected.forEach((v, i) => jsonEqual((actual as unknown[])[i], v, `${path}[${i}]`));
    return;
  }
  const a = actual as Record<string, unknown>;
  assert.deepEqual(Object.keys(a), Object.keys(expected), `${path}: keys`);
  for (const [k, v] of Object.entries(expected)) jsonEqual(a[k], v, `${path}.${k}`);
}
