// Every verb of the pandas page equals pandas 1.5 on the same CSVs (test/fixtures/lab_pandas_verbs.json,
// made by scripts/fixtures/lab_pandas_verbs.py), and the own-CSV verbs run on any table.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { frameEqual, type EncFrame } from "../../../src/frame/testing.test.js";
import { VERB_DATA, VERBS, ownVerbs, type VerbTexts } from "./verbs.js";

const texts = Object.fromEntries(
  VERB_DATA.map((k) => [k, readFileSync(new URL(`../../data/${k}.csv`, import.meta.url), "utf8")]),
) as VerbTexts;
const ref = JSON.parse(readFileSync(new URL("../../../test/fixtures/lab_pandas_verbs.json", import.meta.url), "utf8")) as {
  cases: Record<string, EncFrame>;
};

describe("lab 13 pandas verbs", () => {
  it("covers read, select, filter, groupby, merge, pivot and rolling", () => {
    assert.deepEqual(
      VERBS.map((v) => v.verb),
      ["read", "select", "filter", "groupby", "merge", "pivot", "rolling"],
    );
  });
  for (const v of VERBS) {
    it(`${v.verb}: ${v.code.split("\n")[0]} equals pandas`, () => {
      frameEqual(v.run(texts), ref.cases[v.verb]!, { label: v.verb });
    });
  }
  it("own CSV: the generic verbs pick a text key and a numeric value", () => {
    const r = ownVerbs("city,temp,rain\nA,10,1\nB,20,0\nA,30,2\nB,40,5\n");
    assert.deepEqual(
      r.map((x) => x.verb),
      ["read", "select", "filter", "groupby", "rolling"],
    );
    const g = r.find((x) => x.verb === "groupby")!.result;
    assert.deepEqual(g.col("temp").toArray(), [20, 30]);
    assert.deepEqual(
      r
        .find((x) => x.verb === "filter")!
        .result.col("temp")
        .toArray(),
      [30, 40],
    );
    assert.deepEqual(
      ownVerbs("a\nx\ny\n").map((x) => x.verb),
      ["read", "select"],
      "a table without numbers gets the verbs that fit",
    );
  });
});
