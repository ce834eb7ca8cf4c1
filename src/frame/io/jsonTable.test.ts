// toJson/readJson with orient "table" (pandas' JSON Table Schema) against pandas 1.5
// (scripts/fixtures/frame_json_table.py -> test/fixtures/frame_json_table.json). The frames are
// built here as the script builds them; for each: the frame itself against pandas', our toJson
// against pandas' to_json(orient="table") (as parsed JSON; pandas_version aside, floats to pandas'
// 10 significant digits), readJson of pandas' text against pandas' read_json, and our own round
// trip against pandas' round trip. Refusals carry pandas' message.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, readJson, toJson } from "../index.js";
import { indexLevels } from "../labels.js";
import { pandasDtype } from "../verbs/describe.js";
import {
  type MFrame,
  caseGetter,
  columnValuesEqual,
  dataset,
  fixtureCases,
  frameLevelsEqual,
  jsonEqual,
  rstrip,
  throwsFrame,
} from "../testing.test.js";

interface Case {
  original: MFrame & { index_dtypes: string[] };
  json: string;
  back: MFrame & { index_dtypes: string[] };
}
interface ErrorCase {
  error: string;
  message: string;
}

const cases = fixtureCases("frame_json_table.json");
const ref = caseGetter(cases, "frame_json_table.py");
const mt = dataset("mtcars"),
  wb = dataset("warpbreaks"),
  titanic = dataset("titanic-counts"),
  air = dataset("airquality"),
  airline = dataset("airline-passengers", { parseDates: ["month"] });
const asIndex = { asIndex: true } as const;
const hand = new DataFrame({
  i: [1, 2, 3],
  f: [1.5, NaN, 1 / 3],
  b: [true, false, true],
  s: ["a", null, "c"],
  d: [new Date(Date.UTC(2020, 0, 1)), new Date(Date.UTC(2021, 5, 30, 12, 0, 0, 250)), null],
});
const cylAm = () => mt.groupby(["cyl", "am"], asIndex).select("mpg", "hp").mean();

const FRAMES: Record<string, () => DataFrame> = {
  hand: () => hand,
  hand_two_levels: () => hand.setIndex(["s", "i"]),
  hand_named_index: () => hand.renameAxis("row"),
  hand_date_index: () => hand.setIndex("d"),
  mtcars_cyl_am: cylAm,
  mtcars_unnamed_levels: () => cylAm().renameAxis([null, null]),
  mtcars_partly_named: () => mt.groupby(["cyl", "am"], asIndex).select("mpg").max().renameAxis([null, "am"]),
  mtcars_wt_index: () => mt.setIndex("wt").select("mpg", "cyl").head(6),
  warpbreaks_text_levels: () => wb.setIndex(["wool", "tension"]),
  titanic_three_levels: () => titanic.groupby(["Class", "Sex", "Age"], asIndex).select("Freq").sum(),
  airquality_missing: () => air.head(8),
  airquality_tail: () => air.tail(4),
  airline_date_index: () => airline.setIndex("month").head(5),
  warpbreaks_text_index: () => wb.groupby("tension", asIndex).select("breaks").mean(),
  warpbreaks_category: () => wb.head(4).astype({ wool: "category" }),
};

/** Row and column levels, level dtypes, column dtypes, values and the printed form against pandas'. */
function frameMatches(df: DataFrame, e: Case["back"], text = true): void {
  frameLevelsEqual(df, e);
  assert.deepEqual(indexLevels(df.index).map(pandasDtype), e.index_dtypes, "index level dtypes");
  assert.deepEqual(df.data.map(pandasDtype), e.dtypes, "column dtypes");
  columnValuesEqual(df, e.data);
  if (text) assert.equal(rstrip(df.toString()), rstrip(e.text), "printed form");
}

/** The parsed text with pandas_version set aside (pandas writes its schema version, 1.4.0 in pandas 1.5). */
function parsed(text: string): { schema: Record<string, unknown>; data: unknown } {
  const j = JSON.parse(text) as { schema: Record<string, unknown>; data: unknown };
  assert.equal(typeof j.schema.pandas_version, "string", "pandas_version");
  delete j.schema.pandas_version;
  return j;
}

const names = Object.keys(FRAMES);
describe('orient "table" against pandas 1.5', () => {
  it("covers every frame of the fixture", () =>
    assert.deepEqual(
      names,
      Object.keys(cases).filter((k) => (cases[k] as Partial<Case>).original !== undefined),
    ));
  for (const name of names) {
    describe(name, () => {
      const c = ref<Case>(name);
      // pandas prints a missing text cell None before the round trip and NaN after: no printed form here
      it("the frame is pandas' frame", () => frameMatches(FRAMES[name]!(), c.original, false));
      it("toJson equals pandas' to_json", () => jsonEqual(parsed(toJson(FRAMES[name]!(), "table")), parsed(c.json)));
      it("readJson of pandas' text equals pandas' read_json", () => frameMatches(readJson(c.json, { orient: "table" }), c.back));
      it("our round trip equals pandas' round trip", () =>
        frameMatches(readJson(toJson(FRAMES[name]!(), "table"), { orient: "table" }), c.back));
    });
  }
  it("column levels are refused, as pandas", () => {
    const e = ref<ErrorCase>("column_levels");
    assert.equal(e.error, "NotImplementedError");
    throwsFrame(
      () => toJson(mt.groupby("cyl", asIndex).agg({ mpg: ["mean", "max"] }), "table"),
      /^toJson: orient "table"/,
      new RegExp(e.message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
      /droplevel/,
    );
  });
  it("an index named like a column is refused, as pandas", () => {
    const e = ref<ErrorCase>("overlapping_names");
    assert.equal(e.error, "ValueError");
    throwsFrame(
      () => toJson(mt.setIndex("cyl").select("mpg", "hp").assign({ cyl: 1 }).head(2), "table"),
      /^toJson: orient "table"/,
      /"cyl"/,
      new RegExp(e.message),
      /Rename/,
    );
  });
  it("an unnamed MultiIndex level beside a column named level_0 is refused (pandas raises)", () => {
    const e = ref<ErrorCase>("unnamed_level_beside_level_column");
    assert.match(e.message, /cannot insert level_0/);
    throwsFrame(
      () => toJson(mt.groupby(["cyl", "am"], asIndex).select("mpg").max().renameAxis([null, "am"]).assign({ level_0: 1 }), "table"),
      /^toJson: orient "table" writes the unnamed index level 0 as the field "level_0", but a column is also named "level_0"/,
      /renameAxis/,
    );
  });
  it('an unnamed index beside a column named "index": refused on writing; pandas\' broken table refused on reading, as pandas', () => {
    const e = ref<{ json: string; read: ErrorCase }>("unnamed_index_beside_index_column");
    assert.equal(e.read.message, "Index data must be 1-dimensional");
    throwsFrame(
      () =>
        toJson(
          mt
            .select("mpg")
            .head(2)
            .assign({ index: [5, 6] }),
          "table",
        ),
      /writes the unnamed index as the field "index", but a column is also named "index"/,
      /renameAxis/,
    );
    throwsFrame(
      () => readJson(e.json, { orient: "table" }),
      /^readJson: orient "table" has two fields named "index"/,
      /Index data must be 1-dimensional/,
    );
  });
  it("malformed tables are refused with what was expected", () => {
    throwsFrame(() => readJson('{"data": []}', { orient: "table" }), /^readJson: orient "table" needs \{"schema"/);
    throwsFrame(
      () => readJson('{"schema": {"fields": [{"name": "a", "type": "integer"}]}, "data": [1]}', { orient: "table" }),
      /data row 0 is not an object/,
    );
    throwsFrame(
      () => readJson('{"schema": {"fields": [{"name": "a", "type": "duration"}]}, "data": []}', { orient: "table" }),
      /field "a" has type "duration"/,
    );
    throwsFrame(
      () => readJson('{"schema": {"fields": [{"name": "a", "type": "integer"}], "primaryKey": ["b"]}, "data": []}', { orient: "table" }),
      /primaryKey names "b", which is no field \(a\)/,
    );
  });
  it("an int column with missing cells is written as pandas' nullable Int64 and read back (pandas 1.5 raises reading it)", () => {
    const e = ref<{ json: string; read: ErrorCase }>("nullable_int");
    assert.equal(e.read.error, "IntCastingNaNError");
    const df = new DataFrame({ a: [1, null, 3], b: [0.5, 1.5, 2.5] }, { dtypes: { a: "int64" } });
    assert.equal(pandasDtype(df.data[0]!), "Int64");
    jsonEqual(parsed(toJson(df, "table")), parsed(e.json));
    const back = readJson(e.json, { orient: "table" });
    assert.deepEqual(back.data.map(pandasDtype), ["Int64", "float64"]);
    assert.deepEqual(back.col("a").toArray(), [1, null, 3]);
  });
});
