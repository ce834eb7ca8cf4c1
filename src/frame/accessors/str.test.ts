// str.contains with pandas 1.5's defaults (a regular expression unless regex: false; case; na)
// against pandas (scripts/fixtures/make_frame_rank_refs.py).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Series } from "../index.js";
import { dataset, seriesEqual, pandasCase, throwsFrame, type EncSeries } from "../testing.test.js";

const S = (n: string) => pandasCase<EncSeries>("rank", n);
const s = new Series(["ab", null, "a.c", "AB", "x|y", "abc"], { name: "s" });
const iris = dataset("iris");

describe("str.contains matches pandas 1.5", () => {
  it("a pattern is a regular expression by default", () => seriesEqual(s.str.contains("a.", { na: false }), S("contains_regex_default")));
  it("missing values stay missing without na", () => seriesEqual(s.str.contains("a."), S("contains_regex_default_na"), { dtypes: false }));
  it("regex: false matches the text literally", () =>
    seriesEqual(s.str.contains("a.", { regex: false, na: false }), S("contains_literal")));
  it("alternation", () => seriesEqual(s.str.contains("x|b", { na: false }), S("contains_pipe_regex")));
  it("a literal pipe, na: true", () => seriesEqual(s.str.contains("x|y", { regex: false, na: true }), S("contains_pipe_literal")));
  it("case: false", () => seriesEqual(s.str.contains("ab", { case: false, na: false }), S("contains_case")));
  it("anchors", () => seriesEqual(s.str.contains("^a.*c$", { na: false }), S("contains_anchor")));
  it("iris", () => seriesEqual(iris.col("Species").str.contains("^v.*a$"), S("contains_iris")));
  it("iris, literal and caseless", () =>
    seriesEqual(iris.col("Species").str.contains("si", { regex: false, case: false }), S("contains_iris_literal")));
});

describe("str.contains beyond pandas' cases", () => {
  it("missing values are missing (pandas' NaN) unless na is given", () =>
    assert.deepEqual(s.str.contains("a").toArray(), [true, null, true, false, false, true]));
  it("a RegExp with the g flag is not stateful between values", () =>
    assert.deepEqual(new Series(["a", "a", "a"]).str.contains(/a/g).toArray(), [true, true, true]));
  it("an invalid pattern names regex: false", () =>
    throwsFrame(() => s.str.contains("a("), /not a valid regular expression/, /regex: false/));
});
