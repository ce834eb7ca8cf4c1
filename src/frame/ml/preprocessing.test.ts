// To the model against pandas: toTensor (to_numpy), getDummies, factorize, scalers that remember
// their parameters, and a seeded (stratified) train/test split.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, getDummies, factorize, StandardScaler, MinMaxScaler, trainTestSplit } from "../index.js";
import { toTensor, fromTensor } from "./index.js"; // tensorloom/frame/ml: also enables df.toTensor()
import { dataset, frameEqual, pandasCase, throwsFrame, type EncFrame } from "../testing.test.js";

const F = (n: string) => pandasCase<EncFrame>("model", n);
const iris = dataset("iris"),
  wb = dataset("warpbreaks"),
  mt = dataset("mtcars"),
  aq = dataset("airquality");
const num = iris.drop("Species");

describe("to the model, checked against pandas", () => {
  it("toTensor equals to_numpy (float64 exact, float32 rounded)", () => {
    const exp = pandasCase<number[][]>("model", "to_numpy_iris");
    const t = num.toTensor(undefined, "float64");
    assert.deepEqual(t.shape, [150, 4]);
    assert.deepEqual(t.toArray(), exp);
    const t32 = num.toTensor(["Sepal.Length"]);
    assert.equal(t32.dtype, "float32");
    assert.deepEqual(t32.shape, [150, 1]);
    assert.deepEqual(
      Array.from(t32.storage),
      exp.map((r) => Math.fround(r[0]!)),
    );
    assert.deepEqual(
      Array.from(iris.col("Petal.Width").toTensor("float64").storage),
      exp.map((r) => r[3]),
    );
  });
  it("fromTensor round trip", () => {
    const back = DataFrame.fromTensor(num.toTensor(undefined, "float64"), { columns: num.columns });
    assert.deepEqual(back.toColumns(), num.toColumns());
  });
  it("tensorloom/frame/ml's toTensor and fromTensor are the methods", () => {
    assert.deepEqual(
      toTensor(num, ["Sepal.Length", "Petal.Width"], "float64").toArray(),
      num.toTensor(["Sepal.Length", "Petal.Width"], "float64").toArray(),
    );
    assert.deepEqual(toTensor(num).storage, num.toTensor().storage);
    const s = iris.col("Petal.Width");
    assert.deepEqual(toTensor(s, "float64").toArray(), s.toTensor("float64").toArray());
    assert.equal(toTensor(s).dtype, "float32");
    assert.deepEqual(fromTensor(toTensor(num, undefined, "float64"), { columns: num.columns }).toColumns(), num.toColumns());
  });
  it("getDummies of text columns", () => frameEqual(getDummies(iris).iloc([0, 60, 120]), F("get_dummies_iris_rows"), { index: false }));
  it("getDummies dropFirst on chosen columns", () =>
    frameEqual(getDummies(wb, { columns: ["wool", "tension"], dropFirst: true }).head(20), F("get_dummies_drop_first")));
  it("getDummies of a Series with a prefix", () =>
    frameEqual(getDummies(wb.col("tension"), { prefix: "t" }).head(20), F("get_dummies_series_prefix")));
  for (const [name, sort] of [
    ["factorize_tension", false],
    ["factorize_tension_sorted", true],
  ] as const) {
    it(name, () => {
      const e = pandasCase<{ codes: number[]; uniques: string[] }>("model", name);
      const r = factorize(wb.col("tension"), { sort });
      assert.deepEqual(Array.from(r.codes), e.codes);
      assert.deepEqual(r.uniques, e.uniques);
    });
  }
  it("factorize gives -1 to missing values", () => {
    const e = pandasCase<{ codes: number[]; uniques: number[] }>("model", "factorize_na");
    const r = factorize(aq.col("Ozone").head(12));
    assert.deepEqual(Array.from(r.codes), e.codes);
    assert.deepEqual(r.uniques, e.uniques);
  });
  it("StandardScaler equals (x - mean) / std(ddof=0)", () => {
    const sc = new StandardScaler().fit(num);
    frameEqual(sc.transform(num).head(5), F("standard_scaled_iris"));
    const p = pandasCase<{ mean: number[]; std: number[] }>("model", "standard_params_iris");
    num.columns.forEach((k, j) => {
      assert.ok(Math.abs(sc.mean[k]! - p.mean[j]!) < 1e-12);
      assert.ok(Math.abs(sc.scale[k]! - p.std[j]!) < 1e-12);
    });
  });
  it("scalers fitted on train data transform test data with the train parameters", () => {
    const cols = ["mpg", "hp", "wt"];
    const train = mt.select(...cols).head(20),
      test = mt.select(...cols).iloc({ start: 20 });
    frameEqual(new StandardScaler().fit(train).transform(test), F("standard_train_test"));
    const mm = new MinMaxScaler().fit(train);
    frameEqual(mm.transform(test), F("minmax_train_test"));
    assert.deepEqual(
      mm.inverseTransform(mm.transform(test)).toColumns().hp,
      test.toColumns().hp!.map((v) => v),
    );
    assert.deepEqual(Object.keys(mm.toJSON()), cols);
  });
  it("trainTestSplit: seeded, disjoint, complete; stratified keeps pandas' class counts", () => {
    const [tr, te] = trainTestSplit(iris, { testSize: 0.2, seed: 7 });
    const [tr2] = trainTestSplit(iris, { testSize: 0.2, seed: 7 });
    assert.deepEqual(tr.indexValues(), tr2.indexValues());
    assert.equal(te.length, 30);
    const all = [...tr.indexValues(), ...te.indexValues()].map(Number).sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 150 }, (_, i) => i),
    );
    const [, st] = trainTestSplit(iris, { testSize: 0.2, seed: 7, stratify: "Species" });
    const counts = pandasCase<{ index: string[]; values: number[] }>("model", "class_counts_iris");
    const got = st.col("Species").valueCounts().sortIndex();
    assert.deepEqual(got.indexValues(), counts.index);
    assert.deepEqual(
      got.toArray(),
      counts.values.map((v) => (v * 30) / 150),
    );
  });
});

describe("to the model: errors", () => {
  it("toTensor of text names the columns", () =>
    throwsFrame(() => iris.toTensor(), /column "Species" holds text; tensors hold numbers/, /getDummies/));
  it("toTensor int32 with missing values", () =>
    throwsFrame(() => aq.toTensor(["Ozone"], "int32"), /column "Ozone" row 4 is missing, which int32 cannot hold/));
  it("transform before fit", () => throwsFrame(() => new StandardScaler().transform(num), /not fitted/));
  it("a transform frame without the fitted columns", () =>
    throwsFrame(() => new StandardScaler().fit(num).transform(mt), /transform: no column named "Sepal.Length"/));
  it("a test size leaving no train rows", () =>
    throwsFrame(() => trainTestSplit(iris, { testSize: 150 }), /both parts need at least one row/));
});
