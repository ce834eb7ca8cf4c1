// join on a MultiIndex and concat of Series against pandas 1.5 (scripts/fixtures/frame_join_concat.py
// -> test/fixtures/frame_join_concat.json). Each case carries its inputs, so every case runs:
// DataFrame.join index on index (MultiIndexes on the same, reordered or overlapping level names;
// a MultiIndex beside a flat index named like a level; flat beside flat) and with `on` columns,
// merge with leftIndex/rightIndex, and concat of Series by rows and side by side.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DataFrame, Series, concat, merge, type Scalar } from "../index.js";
import type { FrameDType } from "../column.js";
import { type Index, indexLength, indexNames, indexTuple, labelIndex, multiIndex, rangeIndex } from "../labels.js";
import { pandasDtype } from "./describe.js";
import { cellEqual, frameEqual as sharedFrameEqual, seriesEqual as sharedSeriesEqual, throwsFrame } from "../testing.test.js";

interface EncIndex {
  range: boolean;
  levels: Scalar[][];
  names: (string | null)[];
  dtypes: string[];
}
interface EncFrame {
  index: EncIndex;
  columns: string[];
  dtypes: string[];
  data: Scalar[][];
}
interface EncSeries {
  index: EncIndex;
  name: string | null;
  dtype: string;
  values: Scalar[];
}
interface Case {
  op: "join" | "merge" | "concat";
  left?: EncFrame;
  right?: EncFrame;
  items?: EncSeries[];
  opts: Record<string, unknown>;
  frame?: EncFrame;
  series?: EncSeries;
  error?: string;
  message?: string;
  mixed?: string;
  repeats?: boolean;
}

const fixture = JSON.parse(readFileSync(new URL("../../../test/fixtures/frame_join_concat.json", import.meta.url), "utf8")) as {
  cases: Record<string, Case>;
};
const cases = Object.entries(fixture.cases);

const DTYPE: Record<string, FrameDType> = {
  int64: "int64",
  float64: "float64",
  object: "string",
  bool: "bool",
  "datetime64[ns]": "datetime",
};
const values = (vs: Scalar[], dtype: string) =>
  new Series(dtype === "datetime64[ns]" ? vs.map((v) => (v === null ? null : new Date(v as number))) : vs, {
    dtype: DTYPE[dtype] ?? "string",
  }).col;

function buildIndex(e: EncIndex): Index {
  if (e.range) return rangeIndex(e.levels[0]!.length, (e.levels[0]![0] as number | undefined) ?? 0);
  const cols = e.levels.map((l, j) => values(l, e.dtypes[j]!));
  return cols.length === 1 ? labelIndex(cols[0]!, e.names[0]) : multiIndex(cols, e.names);
}
const buildFrame = (e: EncFrame) =>
  DataFrame.fromColumns(
    e.columns,
    e.data.map((d, j) => values(d, e.dtypes[j]!)),
    buildIndex(e.index),
  );
const buildSeries = (e: EncSeries) => Series.fromColumn(values(e.values, e.dtype), e.name, buildIndex(e.index));

const DTYPES: Record<string, string[]> = { int64: ["int64", "Int64"], object: ["object"] };
const dtypeOk = (got: string, want: string) => (DTYPES[want] ?? [want]).includes(got);

function indexEqual(ix: Index, e: EncIndex): void {
  assert.deepEqual(indexNames(ix), e.names, "index names");
  assert.equal(indexLength(ix), e.levels[0]!.length, "rows");
  e.levels.forEach((level, l) => level.forEach((v, i) => cellEqual(indexTuple(ix, i)[l]!, v, `index level ${l} row ${i}`)));
}

// the shared comparisons with this fixture's index encoding, and its int64 that may be nullable here
function frameEqual(df: DataFrame, e: EncFrame): void {
  indexEqual(df.index, e.index);
  e.dtypes.forEach((d, j) =>
    assert.ok(dtypeOk(pandasDtype(df.data[j]!), d), `dtype of ${e.columns[j]}: ${pandasDtype(df.data[j]!)}, pandas ${d}`),
  );
  sharedFrameEqual(df, { ...e, index: e.index.levels[0]! }, { index: false, dtypes: false });
}

function seriesEqual(s: Series, e: EncSeries): void {
  assert.ok(dtypeOk(pandasDtype(s.col), e.dtype), `dtype ${pandasDtype(s.col)}, pandas ${e.dtype}`);
  indexEqual(s.index, e.index);
  sharedSeriesEqual(s, { ...e, index: e.index.levels[0]! }, { index: false, dtypes: false });
}

function run(c: Case): DataFrame | Series {
  if (c.op === "concat") return concat(c.items!.map(buildSeries), c.opts as Parameters<typeof concat>[1]);
  const l = buildFrame(c.left!),
    r = buildFrame(c.right!);
  return c.op === "join" ? l.join(r, c.opts) : merge(l, r, c.opts);
}

const count: Record<string, number> = {};
describe("join on a MultiIndex and concat of Series match pandas 1.5", () => {
  for (const [name, c] of cases) {
    count[c.op] = (count[c.op] ?? 0) + 1;
    it(name, () => {
      if (c.error) throwsFrame(() => run(c), new RegExp(`^${c.op}: `), /\. [A-Z]/);
      else if (c.mixed) throwsFrame(() => run(c), /^concat: .* cannot be stacked/);
      else if (c.repeats) throwsFrame(() => run(c), /column name .* appears twice/);
      else if (c.series) {
        const s = run(c);
        assert.ok(s instanceof Series, "a Series, as pandas");
        seriesEqual(s, c.series);
      } else {
        const f = run(c);
        assert.ok(f instanceof DataFrame, "a DataFrame, as pandas");
        frameEqual(f, c.frame!);
      }
    });
  }
  it("covers every verb", () => {
    console.log(`pandas-checked cases: ${JSON.stringify(count)}`);
    assert.ok(count.join! > 80 && count.merge! >= 12 && count.concat! >= 25);
  });
});

describe("join and concat: messages and types", () => {
  const a = new DataFrame({ k1: [2, 1], k2: ["b", "a"], x: [1, 2] }).setIndex(["k1", "k2"]);
  it("a flat index named like no level names the levels and the fix", () =>
    throwsFrame(() => a.join(new DataFrame({ z: [1] }, { index: [2] })), /index levels \(k1,k2\) and \(\) share no name/, /renameAxis/));
  it("unnamed levels with different names are refused", () =>
    throwsFrame(() => a.join(a.renameAxis(["k1", null]).rename({ x: "y" })), /\(k1,\) share no name/));
  it("merge takes leftIndex only with rightIndex", () =>
    throwsFrame(
      () => merge(a, a, { leftIndex: true }),
      /^merge: rightIndex pairs with leftIndex or leftOn; got leftIndex true, rightIndex false/,
    ));
  it("concat of Series by rows is a Series, side by side a frame", () => {
    const s = new Series([1, 2], { name: "v" });
    const rows: Series = concat([s, s]);
    const cols: DataFrame = concat([s, s.rename(null)], { axis: 1 });
    assert.deepEqual([rows.length, rows.name, cols.columns], [4, "v", ["v", "0"]]);
  });
});
