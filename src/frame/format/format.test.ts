// Printing, markdown, html and info against pandas' own text.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, displayOptions } from "../index.js";
import { dataset, pandasCase, rstrip } from "../testing.test.js";

const look = (name: string) => rstrip(pandasCase<string>("look", name));

describe("printing matches pandas' repr", () => {
  it("a long frame is cut to 5 + 5 rows with a shape footer", () => assert.equal(String(dataset("iris")), look("repr_iris")));
  it("missing values and ints", () => assert.equal(String(dataset("airquality").head(10)), look("repr_airquality_head")));
  it("text column and 32 rows", () => assert.equal(String(dataset("mtcars")), look("repr_mtcars")));
  it("four-digit floats", () => assert.equal(String(dataset("eu-stock-markets").head(8)), look("repr_eu_head")));
  it("describe output with a label index", () => assert.equal(String(dataset("iris").describe()), look("repr_describe_iris")));
  it("a Series with its footer", () => assert.equal(String(dataset("mtcars").col("mpg")), look("repr_series_mpg")));
  it("a long Series with Length", () => assert.equal(String(dataset("eu-stock-markets").col("DAX")), look("repr_series_long")));
  it("a text Series (object)", () => assert.equal(String(dataset("iris").col("Species").head(5)), look("repr_series_species")));
  it("valueCounts with a named index", () =>
    assert.equal(String(dataset("warpbreaks").col("tension").valueCounts()), look("repr_value_counts")));
  it("more than 20 columns are cut to 10 + 10", () => {
    const cols: Record<string, number[]> = {};
    for (let j = 0; j < 24; j++) cols[`c${j}`] = [j, j + 0.5];
    assert.equal(String(new DataFrame(cols)), look("repr_wide"));
    displayOptions.maxColumns = 20;
    try {
      assert.equal(String(new DataFrame(cols)), look("repr_wide_truncated"));
    } finally {
      displayOptions.maxColumns = 0;
    }
  });
  it("dates", () => assert.equal(String(dataset("airline-passengers", { parseDates: ["month"] }).head(4)), look("repr_airline_head")));
  it("scientific notation for tiny and huge values", () => {
    assert.equal(
      String(new DataFrame({ small: [1e-7, 0.5, 2.0], large: [1.5e7, 2.0, 3.25], neg: [-1.5, 2.25, -0.125] })),
      look("repr_small_large_floats"),
    );
  });
  it("a named label index", () =>
    assert.equal(String(dataset("mtcars").setIndex("model").head(3).select("mpg", "cyl")), look("repr_set_index")));
});

describe("toMarkdown / toHtml / info match pandas", () => {
  it("toMarkdown with the index", () => assert.equal(dataset("iris").head(4).toMarkdown(), pandasCase("look", "markdown_iris_head")));
  it("toMarkdown without the index, NaN", () =>
    assert.equal(dataset("airquality").head(6).toMarkdown({ index: false }), pandasCase("look", "markdown_aq_head_noindex")));
  it("toHtml", () => assert.equal(dataset("airquality").head(3).toHtml(), pandasCase("look", "html_aq_head")));
  for (const name of ["airquality", "iris"]) {
    it(`info of ${name} (all but the class and memory lines)`, () => {
      const mine = dataset(name).info().split("\n");
      const theirs = pandasCase<string>("look", `info_${name}`).trimEnd().split("\n");
      assert.deepEqual(mine.slice(1, -1), theirs.slice(1, -1));
      assert.match(mine.at(-1)!, /^memory usage: \d+\.\d\+? KB$/);
    });
  }
});
