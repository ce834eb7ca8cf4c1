// concat of inputs whose row or column levels differ in number, against pandas 1.5
// (scripts/fixtures/frame_concat_levels.py -> test/fixtures/frame_concat_levels.json). pandas
// makes a flat index of tuple objects there, or raises, or (two row levels beside three) drops the
// extra level; a label here is one value, never a tuple, so tensorloom refuses every such input
// with an error naming the level counts, the rule and the fix, and follows pandas wherever
// ignoreIndex renumbers the differing axis. pandas' keys= raises or builds tuples on these inputs.
// The keys_* cases check keys= and names= on inputs whose levels agree: the outer level on the
// rows or the columns, pandas' rule for the inner level names, and the refusals.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type DataFrame, Series, concat, type ConcatOptions } from "../index.js";
import { indexDepth } from "../labels.js";
import { type MFrame, type MSeries, caseGetter, dataset, fixtureCases, mframeEqual, mseriesEqual, throwsFrame } from "../testing.test.js";

interface Case {
  items: string[];
  opts: { axis?: 0 | 1; join?: "outer" | "inner"; ignore_index?: boolean; keys?: (string | number)[]; names?: (string | null)[] };
  frame?: MFrame;
  series?: MSeries;
  tuples?: boolean;
  index_levels?: number;
  error?: string;
  message?: string;
}

const cases = fixtureCases("frame_concat_levels.json");
const ref = caseGetter(cases, "frame_concat_levels.py");
const mt = dataset("mtcars");
const asIndex = { asIndex: true } as const;
const g1 = mt.groupby("cyl", asIndex).select("mpg", "hp").mean();
const g2 = mt.groupby(["cyl", "am"], asIndex).select("mpg", "hp").mean();
const SETS: Record<string, DataFrame | Series> = {
  g1,
  g2,
  g3: mt.groupby(["cyl", "am", "gear"], asIndex).select("mpg", "hp").mean(),
  g1_tail: g1.tail(2),
  g2_tail: g2.tail(3),
  lv: mt.groupby("cyl", asIndex).agg({ mpg: ["mean", "max"], hp: "min" }),
  plain: mt.groupby("cyl", asIndex).select("wt").mean(),
  s1: g1.col("hp"),
  s2: g2.col("mpg"),
  g1_renamed: g1.renameAxis("cylinders"),
  g2_head: g2.head(2),
  lv_gear: mt
    .groupby("cyl", asIndex)
    .agg({ mpg: ["max", "min"], wt: "max" })
    .renameAxis(["var", "fn"], { axis: 1 }),
  range_head: mt.select("mpg", "hp").head(3),
  range_wt: mt.select("wt", "hp").head(2),
  s_hp: mt.col("hp").head(2),
  s_unnamed: mt.col("wt").head(3).rename(null),
};

const options = (o: Case["opts"], keys: boolean): ConcatOptions => ({
  ...(o.axis !== undefined && { axis: o.axis }),
  ...(o.join !== undefined && { join: o.join }),
  ...(o.ignore_index !== undefined && { ignoreIndex: o.ignore_index }),
  ...(keys && o.keys !== undefined && { keys: o.keys }),
  ...(keys && o.names !== undefined && { names: o.names }),
});
/** concat of the case's inputs; keys (and names) are passed where the inputs' levels agree (keys_* cases). */
const run = (c: Case, keys = false) => concat(c.items.map((k) => SETS[k]!) as DataFrame[], options(c.opts, keys));
/** pandas' result; the columns numbered by ignoreIndex on axis 1 are text, as every column name here ("0" for pandas' 0). */
function same(c: Case, keys = false): void {
  const r = run(c, keys);
  if (c.series) mseriesEqual(r as unknown as Series, c.series);
  // side by side, pandas' int column labels (ignoreIndex's 0, 1, ..., an unnamed Series' 0, int keys) are text here
  else if (c.opts.axis === 1)
    mframeEqual(r as DataFrame, {
      ...c.frame!,
      columns: c.frame!.columns.map((t) => t.map((v) => (typeof v === "number" ? String(v) : v))),
    });
  else mframeEqual(r as DataFrame, c.frame!);
}
const rowDepth = (x: DataFrame | Series) => indexDepth(x.index);
const colDepth = (x: DataFrame | Series) => (x instanceof Series || !x.columnIndex ? 1 : indexDepth(x.columnIndex));

/** The refusal: the op, both level counts, the rule, pandas' tuples, the fix (ignoreIndex only where it renumbers that axis). */
function refused(c: Case): void {
  const items = c.items.map((k) => SETS[k]!);
  const axis = c.opts.axis ?? 0;
  const cols = items.map(colDepth);
  // the column levels are checked first; ignoreIndex on axis 1 drops them
  const what = cols.some((d) => d !== cols[0]) && !(axis === 1 && c.opts.ignore_index) ? "columns" : "index";
  const depths = what === "columns" ? cols : items.map(rowDepth);
  const k = depths.findIndex((d) => d !== depths[0]);
  assert.ok(k > 0, "the inputs differ in levels");
  const renumbers = (what === "index" && axis === 0) || (what === "columns" && axis === 1);
  throwsFrame(
    () => run(c),
    /^concat: /,
    new RegExp(`input 0 has ${depths[0]} ${what} levels? but input ${k} has ${depths[k]} \\(levels per input: ${depths.join(", ")}\\)`),
    /only when every input has the same number of levels/,
    /flat index of tuples/,
    /droplevel/,
    renumbers ? /ignoreIndex: true/ : /^(?![\s\S]*ignoreIndex)/,
  );
}

const names = Object.keys(cases).filter((n) => !n.startsWith("keys_"));
const keyNames = Object.keys(cases).filter((n) => n.startsWith("keys_"));
const kinds = {
  // pandas 1.5 builds a result tensorloom can hold: the same result
  same: names.filter((n) => ref<Case>(n).index_levels !== undefined && !ref<Case>(n).tuples && !ref<Case>(n).opts.keys),
  // a flat index of tuple objects (a label beside tuples)
  tuples: names.filter((n) => ref<Case>(n).tuples && !ref<Case>(n).opts.keys),
  // pandas raises
  raises: names.filter((n) => ref<Case>(n).error !== undefined && !ref<Case>(n).opts.keys),
  keys: names.filter((n) => ref<Case>(n).opts.keys !== undefined),
};
// pandas keeps two of three levels (rows_two_three) and gives an empty index for an inner side by
// side with no shared label (cols_flat_multi_inner): tensorloom refuses those inputs too
const dropsOrEmpty = new Set(["rows_two_three", "cols_flat_multi_inner"]);

describe("concat with differing numbers of levels, as pandas 1.5", () => {
  it("covers every case of the fixture", () => {
    assert.equal(
      kinds.same.length + kinds.tuples.length + kinds.raises.length + kinds.keys.length + keyNames.length,
      Object.keys(cases).length,
    );
    assert.ok(kinds.same.length >= 7 && kinds.tuples.length >= 8 && kinds.raises.length >= 3 && kinds.keys.length >= 4);
  });
  for (const name of kinds.same)
    it(`${name}: ${dropsOrEmpty.has(name) ? "refused (pandas drops a level or gives no rows)" : "the pandas result"}`, () => {
      const c = ref<Case>(name);
      if (dropsOrEmpty.has(name)) return refused(c);
      same(c);
    });
  for (const name of kinds.tuples)
    it(`${name}: refused where pandas makes a flat index of tuples`, () => {
      const c = ref<Case>(name);
      assert.equal(c.index_levels, 1);
      refused(c);
    });
  for (const name of kinds.raises) it(`${name}: refused where pandas raises (${ref<Case>(name).error})`, () => refused(ref<Case>(name)));
  for (const name of kinds.keys)
    it(`${name}: pandas' keys= raises or makes tuples; the same inputs are refused`, () => {
      const c = ref<Case>(name);
      assert.ok(c.error !== undefined || c.tuples, "pandas gives no result tensorloom could hold");
      refused(c);
    });
  it("the ignoreIndex fix the refusal names gives pandas' result", () => {
    const fixed = [
      ["rows_flat_multi", "rows_flat_multi_ignore_index"],
      ["series_rows_flat_multi", "series_rows_ignore_index"],
      ["cols_column_levels", "cols_column_levels_ignore_index"],
    ] as const;
    for (const [bad, good] of fixed) {
      assert.throws(() => run(ref<Case>(bad)), /ignoreIndex: true/);
      same(ref<Case>(good));
    }
  });
  it("the droplevel fix the refusal names works", () => {
    const r = concat([g1, g2.droplevel("am")]);
    assert.equal(r.length, g1.length + g2.length);
    assert.deepEqual(r.indexValues().slice(0, 4), [4, 6, 8, 4]);
  });
});

// pandas zips keys with the inputs, dropping what has no partner: refused here
const zipped = new Set(["keys_fewer_than_inputs", "keys_more_than_inputs"]);

describe("concat with keys and names, as pandas 1.5", () => {
  it("covers the keys cases", () => assert.ok(keyNames.length >= 20));
  for (const name of keyNames)
    it(`${name}: ${ref<Case>(name).error ? "refused, as pandas" : zipped.has(name) ? "refused (pandas drops inputs)" : "the pandas result"}`, () => {
      const c = ref<Case>(name);
      if (c.error) {
        assert.equal(c.message, "Length of names must match number of levels in MultiIndex.");
        return throwsFrame(
          () => run(c, true),
          new RegExp(`^concat: ${c.opts.names!.length} names for \\d levels`),
          /Length of names must match number of levels in MultiIndex/,
          /Pass one name/,
        );
      }
      if (zipped.has(name))
        return throwsFrame(() => run(c, true), new RegExp(`^concat: ${c.opts.keys!.length} keys for 2 inputs`), /one key per input/);
      assert.ok(!c.tuples);
      same(c, true);
    });
  it("names without keys are refused", () =>
    throwsFrame(() => concat([g1, g1], { names: ["src"] }), /names \["src"\] given without keys/, /Pass keys too/));
});
