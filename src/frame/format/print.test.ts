// A column's cells share one printed form, as pandas (scripts/fixtures/frame_print.py ->
// test/fixtures/frame_print.json): one stamp with milliseconds gives every other stamp of its
// column or index level ".000", in repr, toHtml and toCsv alike, counting only the shown rows; a
// missing text cell takes the column's sign space like the others.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame } from "../index.js";
import { caseGetter, fixtureCases, rstrip } from "../testing.test.js";

const ref = caseGetter(fixtureCases("frame_print.json"), "frame_print.py");
const text = (name: string) => rstrip(ref<string>(name));
const stamps = (...s: (string | null)[]) => s.map((x) => (x === null ? null : new Date(`${x.replace(" ", "T")}Z`)));

const ms = () =>
  new DataFrame({
    t: stamps("2020-01-01", "2020-01-01 00:00:00.5", "2020-01-02 03:04:05", null),
    s: stamps("2020-01-01", "2020-01-01 00:00:07", null, "1969-12-31 23:59:59"),
    x: [1, 2, 3, 4],
  });

describe("datetime columns print with a common precision, as pandas", () => {
  it("a frame: '.000' beside '.500', whole seconds left alone in another column", () => assert.equal(String(ms()), text("frame")));
  it("an index", () => assert.equal(String(ms().setIndex("t")), text("frame_index")));
  it("an index level", () => assert.equal(String(ms().setIndex(["t", "x"])), text("frame_two_levels")));
  it("a Series", () => assert.equal(String(ms().col("t")), text("series")));
  it("whole days print as dates", () => assert.equal(String(new DataFrame({ d: stamps("2020-01-01", null, "2020-03-01") })), text("days")));
  it("stamps before 1970", () =>
    assert.equal(
      String(new DataFrame({ b: stamps("1969-12-31 23:59:59.999", "1970-01-01", "1960-06-15 12:00:00") })),
      text("before_epoch"),
    ));
  it("toHtml", () => assert.equal(ms().toHtml(), ref<string>("html")));
  it("toCsv", () => assert.equal(ms().toCsv(), ref<string>("csv")));
  it("the rows a long frame cuts do not set the precision", () => {
    const t = stamps(...Array<string>(30).fill("2020-01-01"), "2020-01-01 00:00:00.25", ...Array<string>(30).fill("2020-01-02 01:00:00"));
    assert.equal(String(new DataFrame({ t })), text("long_cut"));
  });
});

// only nulls would infer float64: the column is made text as pandas' object column is
const allMissing = () => new DataFrame({ s: [null, null], x: [1, 2] }).astype({ s: "string" });

describe("a missing text cell prints NaN with the column's sign space, as pandas", () => {
  it("in a frame", () => assert.equal(String(new DataFrame({ s: ["a", null, "c"], x: [1, 2, 3] })), text("text_missing")));
  it("in a Series", () => assert.equal(String(new DataFrame({ s: ["a", null, "c"] }).col("s")), text("text_missing_series")));
  it("first", () => assert.equal(String(new DataFrame({ s: [null, "a", "c"] })), text("text_missing_first")));
  it("last, beside longer strings", () =>
    assert.equal(String(new DataFrame({ s: ["abcdef", "b", null], x: [1.5, 2, 3] })), text("text_missing_last_mixed")));
  it("under a wider header", () => assert.equal(String(new DataFrame({ longname: ["a", null] })), text("text_missing_wide_header")));
  it("beside an index", () =>
    assert.equal(String(new DataFrame({ k: ["x", "yy", "zzz"], s: ["a", null, "ccc"] }).setIndex("k")), text("text_missing_indexed")));
  it("in the index itself, without a sign space", () =>
    assert.equal(String(new DataFrame({ k: ["x", null, "zzz"], v: [1, 2, 3] }).setIndex("k")), text("text_missing_in_index")));
  it("in a Series beside longer strings", () =>
    assert.equal(String(new DataFrame({ s: ["abcdef", null, "b"] }).col("s")), text("text_missing_series_mixed")));
  it("all missing", () => assert.equal(String(allMissing()), text("text_all_missing")));
  it("all missing, a Series", () => assert.equal(String(allMissing().col("s")), text("text_all_missing_series")));
  it("in the shown rows of a long frame", () => {
    const s = [null, null, null, ...Array<string>(70).fill("abcd"), null];
    assert.equal(String(new DataFrame({ s, x: Array.from(s.keys()) })), text("text_missing_long"));
  });
});

describe("Int64 and boolean columns with <NA> print every cell after the sign space, as pandas", () => {
  // pandas 1.5: pd.DataFrame({"i": [-1, 3], "j": pd.array([-1, None], dtype="Int64"),
  // "b": pd.array([None, None], dtype="boolean")}), then pd.Series(pd.array([-12, None], dtype="Int64"))
  // and the frame indexed by such a column
  const nullable = () => new DataFrame({ i: [-1, 3], j: [-1, null], b: [null, null] }, { dtypes: { i: "int64", j: "int64", b: "bool" } });
  it("in a frame", () => assert.equal(String(nullable()), "   i     j     b\n0 -1    -1  <NA>\n1  3  <NA>  <NA>"));
  it("in a Series", () =>
    assert.equal(
      String(new DataFrame({ j: [-12, null] }, { dtypes: { j: "int64" } }).col("j")),
      "0     -12\n1    <NA>\nName: j, dtype: Int64",
    ));
  it("in the index, without a sign space", () =>
    assert.equal(
      String(new DataFrame({ k: [-5, null], v: [1, 2] }, { dtypes: { k: "int64" } }).setIndex("k")),
      "      v\nk      \n-5    1\n<NA>  2".replace(/ +$/gm, ""),
    ));
});

it("a category Series lists its categories in quotes, as pandas", () =>
  assert.equal(String(new DataFrame({ s: ["b", "a", "b", null, "it's"] }).astype({ s: "category" }).col("s")), text("category_series")));
