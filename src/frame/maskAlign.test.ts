// Boolean Series masks select and replace by label when their index differs from the data's, as
// pandas 1.5 does (test/fixtures/frame_mask_align.json from scripts/fixtures/frame_mask_align.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { DataFrame, Series } from "./index.js";
import { FrameError } from "./errors.js";

interface Outcome {
  error?: string;
  labels?: (string | number)[];
  values?: number[];
}
interface Case {
  name: string;
  labels: (string | number)[];
  values: number[];
  maskLabels: (string | number)[];
  maskValues: boolean[];
  filter: Outcome;
  loc: Outcome;
  seriesFilter: Outcome;
  where: Outcome;
  mask: Outcome;
}
const { cases } = JSON.parse(readFileSync(new URL("../../test/fixtures/frame_mask_align.json", import.meta.url), "utf8")) as {
  cases: Case[];
};

function check(what: string, want: Outcome, got: () => DataFrame | Series): void {
  if (want.error) {
    assert.throws(got, (e: unknown) => e instanceof FrameError && /no label .*Unalignable boolean Series/.test(e.message), what);
    return;
  }
  const r = got();
  const s = r instanceof DataFrame ? r.col("v") : r;
  assert.deepEqual(s.indexValues(), want.labels, `${what}: labels`);
  assert.deepEqual(s.toArray().map(Number), want.values, `${what}: values`);
}

for (const c of cases) {
  test(`a boolean Series mask is placed by label, as pandas: ${c.name}`, () => {
    const df = new DataFrame({ v: c.values }, { index: c.labels });
    const m = new Series(c.maskValues, { index: c.maskLabels });
    const s = df.col("v");
    check("df.filter", c.filter, () => df.filter(m));
    check("df.loc", c.loc, () => df.loc(m));
    check("s.filter", c.seriesFilter, () => s.filter(m));
    check("s.where", c.where, () => s.where(m, -1));
    check("s.mask", c.mask, () => s.mask(m, -1));
  });
}

test("arrays of booleans stay positional", () => {
  const df = new DataFrame({ v: [1, 2, 3] }, { index: ["x", "y", "z"] });
  assert.deepEqual(df.filter([false, true, true]).col("v").toArray(), [2, 3]);
  assert.throws(() => df.filter([true]), /mask/);
});

test("df.where and df.mask place a bool Series (or frame) cond on a labelled index by label", () => {
  const df = new DataFrame({ v: [1, 2, 3], w: [4, 5, 6] }, { index: ["x", "y", "z"] });
  const m = new Series([true, false, true], { index: ["x", "y", "z"] });
  assert.deepEqual(df.where(m, -1).col("v").toArray(), [1, -1, 3]);
  assert.deepEqual(df.mask(m, -1).col("w").toArray(), [-1, 5, -1]);
  const cond = new DataFrame({ v: [false, true, true], w: [true, true, false] }, { index: ["x", "y", "z"] });
  assert.deepEqual(df.where(cond, 0).col("w").toArray(), [4, 5, 0]);
  assert.deepEqual(df.mask(cond, 0).col("v").toArray(), [1, 0, 0]);
});
