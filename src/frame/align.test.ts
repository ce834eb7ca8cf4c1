// Label alignment (align.ts) through Series and DataFrame arithmetic, logic, comparisons,
// assign and the constructor, against pandas 1.5 (test/fixtures/frame_align.json, from
// scripts/fixtures/frame_align.py). Each case carries its inputs as pandas built them, so the
// objects here are the same; values, dtypes, index labels and the index's dtype are compared.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DataFrame, Series, crosstab, type FrameDType } from "./index.js";
import { type Column, columnFromValues } from "./column.js";
import { type Index, indexLevels, labelIndex, multiIndex, rangeIndex } from "./labels.js";
import { pandasDtype } from "./verbs/describe.js";
import { alignIndexes, indexesEqual } from "./align.js";
import { type EncFrame, type EncSeries, cellEqual, dataset, frameEqual, seriesEqual, throwsFrame } from "./testing.test.js";

interface EncIndex {
  name?: string | null;
  names?: (string | null)[];
  dtype?: string;
  dtypes?: string[];
  range?: boolean;
  labels: unknown[];
}
interface AlignSeries {
  name: string | null;
  dtype: string;
  index: EncIndex;
  values: unknown[];
}
interface AlignFrame {
  columns: string[];
  dtypes: string[];
  index: EncIndex;
  data: unknown[][];
}
type Enc = AlignSeries | AlignFrame;
interface Case {
  inputs: Record<string, Enc>;
  out?: Enc;
  error?: string;
  value?: number | null;
}
interface Margins {
  index_dtype: string;
  index: string[];
  index_types: string[];
  columns: string[];
  data: unknown[][];
}

const fixture = JSON.parse(readFileSync(new URL("../../test/fixtures/frame_align.json", import.meta.url), "utf8")) as {
  cases: Record<string, Case>;
  margins: Record<string, Margins | string>;
};
const cases = fixture.cases;

const DTYPES: Record<string, FrameDType | undefined> = {
  int64: "int64",
  float64: "float64",
  bool: "bool",
  "datetime64[ns]": "datetime",
  object: undefined,
};

function column(values: unknown[], dtype: string): Column {
  return columnFromValues("test", null, values, DTYPES[dtype]);
}

function buildIndex(e: EncIndex): Index {
  if (e.names)
    return multiIndex(
      e.dtypes!.map((d, j) =>
        column(
          e.labels.map((t) => (t as unknown[])[j]),
          d,
        ),
      ),
      e.names,
    );
  if (e.range) return rangeIndex(e.labels.length, e.labels.length ? (e.labels[0] as number) : 0, e.name ?? null);
  return labelIndex(column(e.labels, e.labels.length ? e.dtype! : "float64"), e.name ?? null);
}

function build(e: Enc): Series | DataFrame {
  if ("columns" in e)
    return DataFrame.fromColumns(
      e.columns,
      e.data.map((v, j) => column(v, e.dtypes[j]!)),
      buildIndex(e.index),
    );
  return Series.fromColumn(column(e.values, e.dtype), e.name, buildIndex(e.index));
}

const labelsOf = (e: EncIndex): unknown[] => (e.names ? e.labels.map((t) => `(${(t as unknown[]).map(String).join(", ")})`) : e.labels);

function checkIndex(actual: Index, e: EncIndex, label: string): void {
  if (e.names) {
    assert.equal(actual.kind, "multi", `${label}: a MultiIndex`);
    const levels = indexLevels(actual);
    e.dtypes!.forEach((d, j) => assert.equal(pandasDtype(levels[j]!), d, `${label}: level ${j} dtype`));
    e.labels.forEach((t, i) =>
      (t as unknown[]).forEach((v, j) => cellEqual(Series.fromColumn(levels[j]!).iat(i), v, `${label}: index[${i}][${j}]`)),
    );
    return;
  }
  assert.equal(actual.name, e.name ?? null, `${label}: index name`);
  if (e.labels.length) assert.equal(pandasDtype(indexLevels(actual)[0]!), e.dtype, `${label}: index dtype`);
}

function check(actual: Series | DataFrame, e: Enc, label: string): void {
  if ("columns" in e) {
    assert.ok(actual instanceof DataFrame, `${label}: a DataFrame`);
    frameEqual(actual, { ...e, index: labelsOf(e.index) } as EncFrame, { label, rtol: 1e-12 });
  } else {
    assert.ok(actual instanceof Series, `${label}: a Series`);
    seriesEqual(actual, { ...e, index: labelsOf(e.index) } as EncSeries, { label, rtol: 1e-12, index: !e.index.names });
  }
  checkIndex(actual.index, e.index, label);
}

type Op = "add" | "sub" | "mul" | "div" | "mod" | "pow" | "floordiv" | "rsub" | "rdiv";
type Runner = (inp: Record<string, Series | DataFrame>, m: RegExpExecArray) => Series | DataFrame | number;
const S = (x: Series | DataFrame | undefined): Series => x as Series;
const F = (x: Series | DataFrame | undefined): DataFrame => x as DataFrame;

/** How each case of frame_align.py is computed here, by its name. */
const RUNNERS: [RegExp, Runner][] = [
  [/^series_add_fill_scalar$/, (i) => S(i.a).add(10, { fillValue: 0 })],
  [/^series_(add|sub|mul|div)_fill_both_missing$/, (i, m) => S(i.a)[m[1] as Op](S(i.b), { fillValue: 1.5 })],
  [/^series_add_fill_/, (i) => S(i.a).add(S(i.b), { fillValue: 0 })],
  [/^series_mul_fill_int$/, (i) => S(i.a).mul(S(i.b), { fillValue: 2 })],
  [/^series_(and|or|xor)_/, (i, m) => S(i.a)[m[1] as "and" | "or" | "xor"](S(i.b))],
  [/^series_(add|sub|mul|div|mod|pow|floordiv|rsub|rdiv)_/, (i, m) => S(i.a)[m[1] as Op](S(i.b))],
  [/^compare_(eq|ne|gt|ge|lt|le)_/, (i, m) => S(i.a)[m[1] as "eq"](S(i.b))],
  [/^compare_different_labels$/, (i) => S(i.a).eq(S(i.b))],
  [/^compare_reordered$/, (i) => S(i.a).gt(S(i.b))],
  [/^airquality_ozone_div_temp$|^mtcars_hp_div_wt$/, (i) => S(i.a).div(S(i.b))],
  [/^airquality_ozone_sub_temp_fill$/, (i) => S(i.a).sub(S(i.b), { fillValue: 0 })],
  [/^airline_diff_by_date$/, (i) => S(i.a).sub(S(i.b))],
  [/^mixed_label_kinds$/, (i) => S(i.a).add(S(i.b))],
  [/^corr_/, (i) => S(i.a).corr(S(i.b))],
  [/^random_\d+_(add|sub|mul|div)$/, (i, m) => S(i.a)[m[1] as Op](S(i.b))],
  [/^random_\d+_fill$/, (i) => S(i.a).add(S(i.b), { fillValue: 0.5 })],
  [/^frame_add_fill(_disjoint_columns)?$/, (i) => F(i.a).add(F(i.b), { fillValue: 0 })],
  [/^frame_sub_fill$/, (i) => F(i.a).sub(F(i.b), { fillValue: 100 })],
  [/^frame_(add|sub|mul|div|mod|pow|floordiv|rsub|rdiv)_rows_and_columns$/, (i, m) => F(i.a)[m[1] as Op](F(i.b))],
  [/^frame_add_multi_index$/, (i) => F(i.a).add(F(i.b))],
  [/^iris_frame_sub_rows_columns$/, (i) => F(i.a).sub(F(i.b))],
  [/^frame_sub_series_axis0$/, (i) => F(i.a).sub(S(i.b), { axis: 0 })],
  [/^frame_div_series_axis0_equal$/, (i) => F(i.a).div(S(i.b), { axis: 0 })],
  [/^frame_series_fill_refused$/, (i) => F(i.a).add(S(i.b), { fillValue: 0 })],
  [/^assign_mtcars_by_model$/, (i) => F(i.df).assign({ hp: S(i.s) })],
  [/^assign_/, (i) => F(i.df).assign({ c: S(i.s) })],
  [/^construct_from_series$/, (i) => new DataFrame({ a: S(i.a), b: S(i.b) })],
  [/^construct_from_series_index$/, (i) => new DataFrame({ a: S(i.a), b: S(i.b) }, { index: [1, 2] })],
];

/** The error tensorloom gives where pandas raises, or refuses what pandas would make an object index of. */
const ERRORS: Record<string, RegExp[]> = {
  compare_different_labels: [
    /eq: can only compare identically-labeled Series objects \(pandas' rule\): the left index is 4 labels: 3, 1, 2, 7, the right 4 labels: 2, 5, 3, 9/,
    /new Series\(b\.values, \{ index: a\.index \}\)/,
  ],
  compare_reordered: [/gt: can only compare identically-labeled Series objects/, /sortIndex\(\)/],
  frame_series_fill_refused: [/add: fillValue works with a frame or a number, not with a Series \(pandas: "fill_value 0 not supported"\)/],
  assign_duplicate_labels: [
    /assign: the Series' index repeats the label "x" \(rows 0 and 1\)/,
    /cannot reindex on an axis with duplicate labels/,
  ],
  mixed_label_kinds: [
    /add: the operands are aligned by row label, but the left index holds int64 labels \(2 labels: 1, 2\) and the right string labels \(2 labels: "1", "2"\); labels of different types are not aligned here \(pandas would join them into one object index of mixed labels/,
  ],
};

function run(name: string, c: Case): Series | DataFrame | number {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, build(v)]));
  const hit = RUNNERS.map(([re, f]) => [re.exec(name), f] as const).find(([m]) => m !== null);
  assert.ok(hit, `no runner for ${name}`);
  return hit[1](inputs, hit[0]!);
}

describe("label alignment against pandas 1.5 (frame_align.json)", () => {
  const names = Object.keys(cases);
  it("has the cases of frame_align.py", () => assert.ok(names.length >= 320, `${names.length} cases`));
  for (const name of names) {
    const c = cases[name]!;
    const refused = ERRORS[name];
    if (refused) {
      it(`${name}: refused (pandas: ${c.error ?? "an object index of mixed labels"})`, () => throwsFrame(() => run(name, c), ...refused));
      continue;
    }
    if (c.value !== undefined) it(name, () => cellEqual(run(name, c) as number, c.value, name, 1e-12));
    else it(name, () => check(run(name, c) as Series | DataFrame, c.out!, name));
  }
  it("every pandas error has its tensorloom error", () => {
    for (const [name, c] of Object.entries(cases)) if (c.error) assert.ok(ERRORS[name], `${name}: pandas raises "${c.error}"`);
  });
});

describe("alignment: fast path and local rules", () => {
  const df = new DataFrame({ a: [1, 2, 3], b: [10, 20, 30] }, { index: ["z", "x", "y"] });
  it("Series of one frame keep its index object and order (no reindexing)", () => {
    const s = df.col("a").add(df.col("b"));
    assert.equal(s.index, df.index);
    assert.deepEqual(s.toArray(), [11, 22, 33]);
    assert.equal(s.dtype, "int64");
  });
  it("equal labels in other objects pair by position, keeping the left order", () => {
    const other = new Series([1, 1, 1], { index: ["z", "x", "y"] });
    assert.deepEqual(df.col("a").add(other).indexValues(), ["z", "x", "y"]);
    assert.ok(
      indexesEqual(rangeIndex(3), labelIndex(columnFromValues("t", null, [0, 1, 2], "float64"))),
      "RangeIndex equals float labels 0.0, 1.0, 2.0 (pd.Index.equals)",
    );
    assert.ok(!indexesEqual(rangeIndex(1), labelIndex(columnFromValues("t", null, [0], "datetime"))), "dates never equal numbers");
  });
  it("alignIndexes gives -1 for a label on one side only", () => {
    const al = alignIndexes("t", labelIndex(columnFromValues("t", null, ["b", "a"])), labelIndex(columnFromValues("t", null, ["c", "b"])));
    assert.deepEqual(Array.from(al.left!), [1, 0, -1]);
    assert.deepEqual(Array.from(al.right!), [-1, 1, 0]);
  });
  it("logic aligns: a label only on the right is false, one only on the left meets false (pandas)", () => {
    const p = new Series([true, false], { index: [1, 2] }),
      q = new Series([true], { index: [3] });
    assert.deepEqual(p.and(q).toArray(), [false, false, false]);
    assert.deepEqual(p.or(q).toArray(), [true, false, false]);
    assert.deepEqual(p.xor(q).toArray(), [true, false, false]);
  });
  it("fillValue must suit the column", () => {
    const t = new Series(["a", null], { index: [1, 2] });
    throwsFrame(
      () => t.add(new Series(["b"], { index: [3] }), { fillValue: 0 }),
      /add: fillValue 0 cannot stand in for a missing value of \(unnamed\) \(string\)\. Pass a string/,
    );
    assert.deepEqual(t.add(new Series(["b"], { index: [3] }), { fillValue: "-" }).toArray(), ["a-", null, "-b"]);
  });
  it("assign of plain values stays positional", () => {
    assert.deepEqual(
      df
        .assign({ c: [7, 8, 9] })
        .col("c")
        .toArray(),
      [7, 8, 9],
    );
  });
  it("assign to a frame without columns takes the Series' rows (pandas' df[\"c\"] = s on an empty frame)", () => {
    const out = new DataFrame().assign({ c: new Series([1, 2], { index: ["p", "q"] }) });
    assert.deepEqual(out.indexValues(), ["p", "q"]);
    assert.deepEqual(out.col("c").toArray(), [1, 2]);
    assert.deepEqual(new DataFrame().assign({ c: [5, 6, 7] }).shape, [3, 1]);
  });
});

describe('pivotTable margins: keys become text beside "All" (pandas: an object index)', () => {
  const pv = new DataFrame({
    i: [4, 6, 4, 8, 6, 4],
    f: [1.5, 2.0, 1.5, 2.5, 2.0, 1.5],
    b: [true, false, true, true, false, false],
    d: ["2020-01-01", "2020-01-02", "2020-01-01", "2020-01-03", "2020-01-02", "2020-01-01"].map((s) => new Date(s)),
    g: [3, 4, 3, 3, 4, 5],
    v: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
  });
  const tables: Record<string, () => DataFrame> = {
    i: () => pv.pivotTable({ values: "v", index: "i", columns: "g", aggfunc: "mean", margins: true }),
    f: () => pv.pivotTable({ values: "v", index: "f", columns: "g", aggfunc: "mean", margins: true }),
    b: () => pv.pivotTable({ values: "v", index: "b", columns: "g", aggfunc: "mean", margins: true }),
    d: () => pv.pivotTable({ values: "v", index: "d", columns: "g", aggfunc: "mean", margins: true }),
    mtcars_cyl_gear: () => dataset("mtcars").pivotTable({ values: "mpg", index: "cyl", columns: "gear", aggfunc: "mean", margins: true }),
    crosstab_mtcars_cyl_gear: () => crosstab(dataset("mtcars").col("cyl"), dataset("mtcars").col("gear"), { margins: true }),
  };
  for (const [name, table] of Object.entries(tables)) {
    const e = fixture.margins[name] as Margins;
    it(`${name}: pandas holds ${e.index_types.join(", ")} in one ${e.index_dtype} index`, () => {
      const t = table();
      const key = t.columns[0]!;
      assert.equal(t.col(key).dtype, "string", 'the keys are text, so the column can hold "All"');
      assert.deepEqual(t.col(key).toArray(), e.index);
      assert.deepEqual(t.columns.slice(1), e.columns);
      e.columns.forEach((k, j) => e.data[j]!.forEach((v, r) => cellEqual(t.col(k).iat(r), v, `${k}[${r}]`, 1e-12)));
    });
  }
  it("a key named like the margin is refused, as pandas", () => {
    const df = pv.assign({ k: ["All", "x", "x", "All", "x", "x"] });
    throwsFrame(
      () => df.pivotTable({ values: "v", index: "k", columns: "g", margins: true }),
      /pivotTable: the index column "k" holds the label "All", which is also the margins' name/,
      new RegExp(String(fixture.margins.conflict_error).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
    );
  });
});
