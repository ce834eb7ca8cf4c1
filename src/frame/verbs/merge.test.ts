// Combining against pandas: merge (inner/left/right/outer/cross, leftOn/rightOn, suffixes,
// indicator, many-to-many, two keys), concat (rows and columns, inner/outer) and join on the index.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { placeRows, take } from "../column.js";
import { DataFrame, concat, merge } from "../index.js";
import { dataset, frameEqual, pandasCase, throwsFrame, type EncFrame } from "../testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("combine", n);
const mt = dataset("mtcars"),
  iris = dataset("iris"),
  wb = dataset("warpbreaks"),
  titanic = dataset("titanic-counts"),
  tooth = dataset("tooth-growth");
const cylInfo = new DataFrame({ cyl: [4, 6, 10], label: ["four", "six", "ten"], mpg: [1.0, 2.0, 3.0] }, { dtypes: { mpg: "float64" } });
const small = mt.select("model", "cyl", "mpg").head(8);

describe("merge matches pandas", () => {
  for (const how of ["inner", "left", "right", "outer"] as const) {
    it(how, () => frameEqual(small.merge(cylInfo, { on: "cyl", how }), F(`merge_${how}`)));
  }
  it("indicator", () => frameEqual(small.merge(cylInfo, { on: "cyl", how: "outer", indicator: true }), F("merge_indicator")));
  it("suffixes", () => frameEqual(small.merge(cylInfo, { on: "cyl", suffixes: ["_car", "_info"] }), F("merge_suffixes")));
  it("leftOn / rightOn", () =>
    frameEqual(
      merge(small, cylInfo.rename({ cyl: "cylinders" }), { leftOn: "cyl", rightOn: "cylinders", how: "left" }),
      F("merge_left_right_on"),
    ));
  it("cross", () =>
    frameEqual(wb.select("wool").dropDuplicates().merge(wb.select("tension").dropDuplicates(), { how: "cross" }), F("merge_cross")));
  it("many to many", () => {
    const child = titanic.filter(titanic.col("Age").eq("Child")).select("Class", "Sex", "Freq").head(6);
    const adult = titanic.filter(titanic.col("Age").eq("Adult")).select("Class", "Freq").head(4);
    frameEqual(child.merge(adult, { on: "Class" }), F("merge_many_to_many"));
  });
  it("two keys", () => {
    const no = titanic.filter(titanic.col("Survived").eq("No")),
      yes = titanic.filter(titanic.col("Survived").eq("Yes"));
    frameEqual(no.merge(yes, { on: ["Class", "Sex", "Age"], suffixes: ["_no", "_yes"] }), F("merge_two_keys"));
  });
  it("default keys: the shared columns", () => {
    const avg = tooth.groupby("supp").select("len").mean().rename({ len: "avg" });
    frameEqual(avg.merge(tooth.head(5)), F("merge_default_on"));
  });
});

describe("concat and join match pandas", () => {
  it("rows", () => frameEqual(concat([iris.head(3), iris.tail(2)]), F("concat_rows")));
  it("rows, outer columns", () =>
    frameEqual(concat([mt.select("model", "mpg").head(2), mt.select("model", "hp").tail(2)]), F("concat_rows_outer")));
  it("rows, inner columns", () =>
    frameEqual(concat([mt.select("model", "mpg").head(2), mt.select("model", "hp").tail(2)], { join: "inner" }), F("concat_rows_inner")));
  it("rows, ignoreIndex", () => frameEqual(concat([iris.head(2), iris.tail(2)], { ignoreIndex: true }), F("concat_ignore_index")));
  it("columns", () => frameEqual(concat([mt.select("mpg").head(3), mt.select("hp").head(3)], { axis: 1 }), F("concat_cols")));
  it("columns aligned on labels (outer)", () =>
    frameEqual(concat([mt.select("mpg").head(4), mt.select("hp").iloc({ start: 2, end: 6 })], { axis: 1 }), F("concat_cols_outer")));
  it("columns aligned on labels (inner)", () =>
    frameEqual(
      concat([mt.select("mpg").head(4), mt.select("hp").iloc({ start: 2, end: 6 })], { axis: 1, join: "inner" }),
      F("concat_cols_inner"),
    ));
  const info = new DataFrame({ maker: ["Mazda", "Merc", "Fiat"], country: ["Japan", "Germany", "Italy"] }).setIndex("maker");
  const mk = mt
    .select("model", "mpg")
    .head(12)
    .assign({ maker: (d) => d.col("model").str.split(" ").col("0") });
  it("join a column on the other's index", () => frameEqual(mk.join(info, { on: "maker" }), F("join_on_column")));
  it("join inner", () => frameEqual(mk.join(info, { on: "maker", how: "inner" }), F("join_on_column_inner")));
  const l = mt.select("model", "mpg").head(5).setIndex("model"),
    r = mt.select("model", "hp").iloc({ start: 2, end: 8 }).setIndex("model");
  it("join index to index", () => frameEqual(l.join(r), F("join_index")));
  it("join outer", () => frameEqual(l.join(r, { how: "outer" }), F("join_index_outer")));
});

describe("merge: an inner join on unique right keys", () => {
  // each left row is placed once, in row order (placeRows); missing cells of every dtype travel with it
  const left = new DataFrame(
    {
      k: ["b", "a", "c", "b", "z", "a"],
      n: [1, null, 3, 4, 5, 6],
      f: [true, null, false, true, false, true],
      x: [0.5, 1.5, null, 3.5, 4.5, 5.5],
      s: ["p", "q", null, "r", "s", "t"],
    },
    { dtypes: { n: "int64", f: "bool" } },
  );
  const right = new DataFrame({ k: ["a", "b", "c"], r: [10, 20, 30] });
  it("matches pandas (Int64 and boolean columns with <NA>)", () => {
    // pandas 1.5: l.merge(r, on="k") with n Int64, f boolean
    const m = left.merge(right, { on: "k" });
    assert.deepEqual(m.dtypes.toArray(), ["string", "int64", "bool", "float64", "string", "int64"]);
    assert.deepEqual(m.col("k").toArray(), ["b", "b", "a", "a", "c"]);
    assert.deepEqual(m.col("n").toArray(), [1, 4, null, 6, 3]);
    assert.deepEqual(m.col("f").toArray(), [true, true, null, true, false]);
    assert.deepEqual(m.col("x").toArray(), [0.5, 3.5, 1.5, 5.5, NaN]);
    assert.deepEqual(m.col("s").toArray(), ["p", "r", "q", "t", null]);
    assert.deepEqual(m.col("r").toArray(), [20, 20, 10, 10, 30]);
  });
  it("gives the columns that take gives", () => {
    const pos = Int32Array.from([2, 3, 4, 0, -1, 1]);
    const idx = Int32Array.from([3, 5, 0, 1, 2]);
    for (const c of left.data) assert.deepEqual(placeRows(c, pos, idx.length), take(c, idx));
  });
});

describe("combining: errors", () => {
  it("keys of different types name both columns", () =>
    throwsFrame(
      () => small.merge(cylInfo.astype({ cyl: "string" }), { on: "cyl" }),
      /key "cyl" is int64 on the left but "cyl" is string on the right/,
      /astype/,
    ));
  it("an unknown key", () => throwsFrame(() => small.merge(cylInfo, { on: "cylinders" }), /merge \(left\): no column named "cylinders"/));
  it("validate one_to_one", () =>
    throwsFrame(
      () => small.merge(cylInfo, { on: "cyl", validate: "one_to_one" }),
      /validate "one_to_one" failed: the left keys are not unique \(left rows 0 and 1/,
    ));
  it("validate many_to_one passes", () => {
    small.merge(cylInfo, { on: "cyl", validate: "many_to_one" });
  });
  it("no shared column", () => throwsFrame(() => iris.merge(cylInfo.select("label")), /share no column/));
  it("join with overlapping names and no suffix", () => throwsFrame(() => mt.join(mt), /columns overlap but no suffix was given/));
  it("concat of incompatible column types", () =>
    throwsFrame(
      () => concat([mt.select("mpg"), mt.select("model").rename({ model: "mpg" })]),
      /column "mpg" is float64 in one input and string in another/,
    ));
});
