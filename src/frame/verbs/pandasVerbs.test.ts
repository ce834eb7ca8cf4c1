// clip, between's inclusive, nlargest/nsmallest's keep, the str padding verbs and dt.floor/ceil/
// round: hand cases with pandas 1.5's answers (the random ones are in verbsDifferential.test.ts),
// for what the differential does not draw: datetime bounds, argument errors, edge frequencies.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame, Series } from "../index.js";
import { FrameError } from "../errors.js";

const throwsFrameError = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof FrameError && re.test(e.message));

describe("clip", () => {
  it("limits numbers, keeps missing, swaps reversed bounds, keeps int64 unless a fraction lands", () => {
    const s = new Series([1, 5, null, -3], { dtype: "float64" });
    assert.deepEqual(s.clip(0, 2).toArray(), [1, 2, NaN, 0]);
    assert.deepEqual(s.clip(2, 0).toArray(), [1, 2, NaN, 0]); // pd: bounds swapped
    assert.deepEqual(s.clip(undefined, 1).toArray(), [1, 1, NaN, -3]);
    const i = new Series([3, 5, 6]);
    assert.equal(i.clip(1.5, 5).dtype, "int64"); // no value takes the fraction
    assert.equal(i.clip(1.5, 5.5).dtype, "float64");
    assert.deepEqual(i.clip(1.5, 5.5).toArray(), [3, 5, 5.5]);
  });
  it("takes Date bounds on a datetime column", () => {
    const d = new Series([new Date("2020-01-01"), null, new Date("2021-06-30")]);
    const out = d.clip(new Date("2020-06-01"));
    assert.equal(out.dtype, "datetime");
    assert.deepEqual(
      out.toArray().map((x) => (x === null ? null : (x as Date).toISOString().slice(0, 10))),
      ["2020-06-01", null, "2021-06-30"],
    );
  });
  it("a Series bound aligns by label: its missing values bound nothing, a label it lacks gives missing", () => {
    const s = new Series([1, 5, null, -3], { index: ["a", "b", "c", "d"], dtype: "float64" });
    assert.deepEqual(s.clip(new Series([2, null, 0, 0], { index: ["a", "b", "c", "d"] }), 3).toArray(), [2, 3, NaN, 0]);
    assert.deepEqual(s.clip(new Series([0, 2], { index: ["d", "a"] })).toArray(), [2, NaN, NaN, 0]);
    assert.deepEqual(s.clip(new Series([null], { index: ["a"], dtype: "float64" })).toArray(), [1, 5, NaN, -3]);
    // a Series upper bound compares with the value as given, not as the lower bound left it
    assert.deepEqual(new Series([1, 5]).clip(new Series([4, 0]), new Series([2, 9])).toArray(), [4, 5]);
  });
  it("on a frame clips every column and refuses text, as pandas raises TypeError", () => {
    const df = new DataFrame({ a: [0, 10], b: [0.5, 2.5] });
    assert.deepEqual(df.clip(1, 2).toRecords(), [
      { a: 1, b: 1 },
      { a: 2, b: 2 },
    ]);
    throwsFrameError(() => new DataFrame({ a: [1], s: ["x"] }).clip(0, 1), /^clip: column "s" is string.*numeric columns/);
  });
});

describe("between", () => {
  it("inclusive says which ends count", () => {
    const s = new Series([1, 2, 3]);
    const at = (inclusive: "both" | "neither" | "left" | "right") => s.between(1, 3, { inclusive }).toArray();
    assert.deepEqual(at("both"), [true, true, true]);
    assert.deepEqual(at("neither"), [false, true, false]);
    assert.deepEqual(at("left"), [true, true, false]);
    assert.deepEqual(at("right"), [false, true, true]);
    throwsFrameError(() => s.between(1, 3, { inclusive: "all" as "both" }), /^between: inclusive is "all".*"neither"/);
  });
});

describe("nlargest/nsmallest keep", () => {
  const labels = (x: Series | DataFrame) => x.indexValues();
  it("first, last or all of the tied rows, as pandas", () => {
    const s = new Series([3, 1, 3, 2, 3, null, 1], { dtype: "float64" });
    assert.deepEqual(labels(s.nlargest(2)), [0, 2]);
    assert.deepEqual(labels(s.nlargest(2, { keep: "last" })), [4, 2]);
    assert.deepEqual(labels(s.nlargest(2, { keep: "all" })), [0, 2, 4]);
    assert.deepEqual(labels(s.nsmallest(1, { keep: "last" })), [6]);
    assert.deepEqual(labels(s.nsmallest(1, { keep: "all" })), [1, 6]);
    throwsFrameError(() => s.nlargest(2, { keep: "x" as "all" }), /^nlargest: keep is "x".*"first", "last", "all"/);
  });
  it("leaves out a missing value whose label a present value has, as pandas' drop by label", () => {
    const s = new Series([3, null, 1, null], { index: ["a", "a", "b", "c"], dtype: "float64" });
    assert.deepEqual(labels(s.nlargest(3)), ["a", "b", "c"]);
    assert.deepEqual(s.nlargest(3).toArray(), [3, 1, NaN]);
  });
  it("on a frame, later columns break ties and keep settles the rest", () => {
    const df = new DataFrame({ a: [1, 2, 2, 2], b: [5, 6, 6, 7] });
    assert.deepEqual(labels(df.nlargest(2, ["a", "b"])), [3, 1]);
    assert.deepEqual(labels(df.nlargest(2, ["a", "b"], { keep: "last" })), [3, 2]);
    assert.deepEqual(labels(df.nlargest(2, ["a", "b"], { keep: "all" })), [3, 1, 2]);
    assert.deepEqual(labels(df.nlargest(1, "a", { keep: "all" })), [1, 2, 3]);
    throwsFrameError(() => new DataFrame({ a: [1], s: ["x"] }).nlargest(1, ["a", "s"]), /^nlargest: column "s" is string/);
    // checked before the first key settles every row, as pandas checks it up front
    throwsFrameError(() => df.nlargest(1, ["b", "a"], { keep: "x" as "all" }), /^nlargest: keep is "x"/);
  });
});

describe("str padding", () => {
  const s = new Series(["a", "ab", "😀x", null, "-12", "xyzxyz"]);
  it("pads in code points, the odd character where Python's center puts it", () => {
    assert.deepEqual(s.str.pad(5).toArray(), ["    a", "   ab", "   😀x", null, "  -12", "xyzxyz"]);
    assert.deepEqual(s.str.center(5, "*").toArray(), ["**a**", "**ab*", "**😀x*", null, "*-12*", "xyzxyz"]);
    assert.deepEqual(s.str.center(4).toArray(), [" a  ", " ab ", " 😀x ", null, "-12 ", "xyzxyz"]);
    assert.deepEqual(s.str.ljust(4, "😀").toArray(), ["a😀😀😀", "ab😀😀", "😀x😀😀", null, "-12😀", "xyzxyz"]);
    assert.deepEqual(s.str.rjust(3).toArray(), ["  a", " ab", " 😀x", null, "-12", "xyzxyz"]);
    assert.deepEqual(s.str.zfill(5).toArray(), ["0000a", "000ab", "000😀x", null, "-0012", "xyzxyz"]);
  });
  it("refuses a fillchar of several characters, an unknown side and a fractional width", () => {
    throwsFrameError(() => s.str.pad(5, { fillchar: "ab" }), /^str\.pad: fillchar is "ab".*one character/);
    throwsFrameError(() => s.str.pad(5, { side: "up" as "left" }), /^str\.pad: side is "up"/);
    throwsFrameError(() => s.str.zfill(2.5), /^str\.zfill: width is 2\.5.*integer/);
  });
});

describe("dt.floor/ceil/round", () => {
  const d = new Series([new Date("2020-01-01T12:00:00Z"), new Date("2020-01-02T12:00:00Z"), null, new Date("1965-07-04T18:20:00.500Z")]);
  const iso = (s: Series) => s.toArray().map((x) => (x === null ? null : (x as Date).toISOString()));
  it("rounds halves to the even multiple, counted from 1970 (before it too)", () => {
    assert.deepEqual(iso(d.dt.round("D")), ["2020-01-01T00:00:00.000Z", "2020-01-03T00:00:00.000Z", null, "1965-07-05T00:00:00.000Z"]);
    assert.deepEqual(iso(d.dt.floor("15T")).at(-1), "1965-07-04T18:15:00.000Z");
    assert.deepEqual(iso(d.dt.ceil("S")).at(-1), "1965-07-04T18:20:01.000Z");
    assert.deepEqual(iso(d.dt.round("ms")).at(-1), "1965-07-04T18:20:00.500Z");
    assert.deepEqual(iso(d.dt.floor("1.5H"))[0], "2020-01-01T12:00:00.000Z");
    assert.deepEqual(iso(d.dt.floor("7D"))[0], "2019-12-26T00:00:00.000Z");
  });
  it("refuses frequencies that are not fixed, zero or finer than a millisecond", () => {
    for (const f of ["M", "W", "0T", "x", "U", "-1H"])
      throwsFrameError(() => d.dt.floor(f), /^dt\.floor: freq .* not a fixed frequency.*"15T"/);
  });
});
