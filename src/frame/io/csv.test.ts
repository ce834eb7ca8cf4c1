// readCsv/toCsv/readJson/toJson against pandas on the data sets and on tricky inline texts,
// the chunked and streaming readers, and the errors for malformed input.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readCsv, readCsvChunks, readCsvStream, readJson, DataFrame, type ReadCsvOptions, type FrameDType } from "../index.js";
import { dataset, datasetText, pick, frameEqual, pandasCase, pandasCases, throwsFrame, type EncFrame } from "../testing.test.js";

const files: Record<string, string> = { iris: "iris", mtcars: "mtcars", airquality: "airquality", warpbreaks: "warpbreaks", "titanic-counts": "titanic-counts", "eu-stock-markets": "eu-stock-markets", "co2-mauna-loa": "co2-mauna-loa", "tooth-growth": "tooth-growth" };

describe("readCsv matches pandas.read_csv on the data sets", () => {
  for (const name of Object.keys(files)) {
    it(name, () => frameEqual(dataset(name), pandasCase<EncFrame>("io", `read_${name}`), { label: name }));
  }
  it("airline-passengers with parseDates", () => frameEqual(dataset("airline-passengers", { parseDates: ["month"] }), pandasCase<EncFrame>("io", "read_airline_parse_dates")));
  it("bytes input decodes UTF-8", () => {
    const df = readCsv(new TextEncoder().encode("city,n\nZürich,1\n"));
    assert.deepEqual(df.col("city").toArray(), ["Zürich"]);
  });
});

interface TextCase { text: string; options: Record<string, unknown>; frame: EncFrame }

function optionsFrom(p: Record<string, unknown>): ReadCsvOptions {
  const o: ReadCsvOptions = {};
  for (const [k, v] of Object.entries(p)) {
    switch (k) {
      case "sep": o.sep = v as string; break;
      case "na_values": o.naValues = v as string[]; break;
      case "keep_default_na": o.keepDefaultNa = v as boolean; break;
      case "header": o.header = v as number | null; break;
      case "names": o.names = v as string[]; break;
      case "dtype": o.dtype = v as Record<string, FrameDType>; break;
      case "nrows": o.nrows = v as number; break;
      case "skiprows": o.skipRows = v as number; break;
      case "usecols": o.usecols = v as string[]; break;
      case "index_col": o.indexCol = v as string; break;
      case "parse_dates": o.parseDates = v as string[]; break;
      case "comment": o.comment = v as string; break;
      default: throw new Error(`unmapped pandas option ${k}`);
    }
  }
  return o;
}

describe("readCsv matches pandas on tricky text", () => {
  for (const [name, c] of Object.entries(pandasCases("io")).filter(([k]) => k.startsWith("text_"))) {
    const tc = c as TextCase;
    it(name.slice(5), () => frameEqual(readCsv(tc.text, optionsFrom(tc.options)), tc.frame, { label: name }));
  }
});

describe("chunked and streaming reads", () => {
  const text = datasetText("airquality");
  const expected = pandasCase<EncFrame[]>("io", "chunks_airquality_40");
  it("readCsvChunks gives pandas' chunks (typed per chunk)", () => {
    const chunks = [...readCsvChunks(text, { chunkSize: 40 })];
    assert.equal(chunks.length, expected.length);
    chunks.forEach((c, k) => frameEqual(c, expected[k]!, { index: false, label: `chunk ${k}` }));
  });
  it("readCsvStream reassembles records split across pieces, quotes included", async () => {
    const src = 'a,b\n1,"x\ny"\n2,"p,q"\n3,z\n4,w\n5,v\n';
    const pieces = src.match(/[\s\S]{1,3}/g)!;
    const got: DataFrame[] = [];
    for await (const df of readCsvStream(pieces, { chunkSize: 2 })) got.push(df);
    assert.deepEqual(got.map((d) => d.length), [2, 2, 1]);
    assert.deepEqual(got.flatMap((d) => d.col("b").toArray()), ["x\ny", "p,q", "z", "w", "v"]);
    assert.deepEqual(got.flatMap((d) => d.col("a").toArray()), [1, 2, 3, 4, 5]);
  });
  it("readCsvStream over bytes of a data set equals readCsv", async () => {
    const bytes = new TextEncoder().encode(text);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 997) }, (_, k) => bytes.subarray(k * 997, (k + 1) * 997));
    const rows: number[] = [];
    for await (const df of readCsvStream(pieces, { chunkSize: 50 })) rows.push(df.length);
    assert.deepEqual(rows, [50, 50, 50, 3]);
  });
  it("nrows limits chunked reads", () => {
    assert.deepEqual([...readCsvChunks(text, { chunkSize: 40, nrows: 50 })].map((d) => d.length), [40, 10]);
  });
});

describe("readCsv errors name the line and column", () => {
  it("a row with too many fields", () => throwsFrame(() => readCsv("a,b\n1,2\n3,4,5\n"), /line 3 has 3 fields but the header has 2/, /onBadLines/));
  it("onBadLines skip drops the row and reports it", () => {
    const bad: number[] = [];
    const df = readCsv("a,b\n1,2\n3,4,5\n6,7\n", { onBadLines: (b) => bad.push(b.line) });
    assert.deepEqual(df.col("a").toArray(), [1, 6]);
    assert.deepEqual(bad, [3]);
  });
  it("skip after a column became text re-reads without the bad row", () => {
    const df = readCsv("a,b\n1,2\n3,4,5\nx,7\n", { onBadLines: "skip" });
    assert.deepEqual(df.col("a").toArray(), ["1", "x"]);
  });
  it("short rows are read with missing values and reported", () => {
    const short: string[] = [];
    const df = readCsv("a,b,c\n1,2,3\n4,5\n", { onShortRow: (r) => short.push(`${r.line}:${r.fields}/${r.expected}`) });
    assert.deepEqual(df.col("c").toArray(), [3, NaN]); // an int column with a gap is float64, as pandas
    assert.deepEqual(short, ["3:2/3"]);
  });
  it("an unclosed quote", () => throwsFrame(() => readCsv('a,b\n1,"open\n2,3\n'), /quoted field starting on line 2 \(column 2\) is never closed/));
  it("invalid UTF-8", () => throwsFrame(() => readCsv(Uint8Array.from([97, 10, 0xff, 10])), /not valid UTF-8: byte 2 \(line 2\)/));
  it("a value that does not fit a requested dtype", () => throwsFrame(() => readCsv("a,b\n1,x\nq,y\n", { dtype: { a: "int64" } }), /column "a", line 3: "q" is not a valid int64/, /errors: "coerce"/));
  it("a float where int64 was asked", () => throwsFrame(() => readCsv("a\n1\n1.5\n", { dtype: { a: "int64" } }), /"1.5" is not a valid int64/));
  it("errors coerce makes missing values and counts them", () => {
    const seen: string[] = [];
    const df = readCsv("a\n1\nq\n3\n", { dtype: { a: "int64" }, errors: "coerce", onCoerce: (c) => seen.push(`${c.column}@${c.line}:${c.text}`) });
    assert.deepEqual(df.col("a").toArray(), [1, null, 3]);
    assert.equal(df.dtypes.a, "int64");
    assert.deepEqual(seen, ["a@3:q"]);
  });
  it("a bad date in parseDates", () => throwsFrame(() => readCsv("d\n2024-01-01\nsoon\n", { parseDates: ["d"] }), /column "d", line 3: "soon" is not a valid datetime/));
  it("an unknown column in options", () => throwsFrame(() => readCsv("a,b\n1,2\n", { usecols: ["a", "c"] }), /no column named "c" in the header \(a, b\)/));
  it("a multi-character separator", () => throwsFrame(() => readCsv("a::b\n", { sep: "::" }), /sep must be one character/));
});

describe("toCsv matches pandas.to_csv", () => {
  it("mtcars head with the index", () => assert.equal(dataset("mtcars").head(6).toCsv(), pandasCase("io", "to_csv_mtcars_head")));
  it("airquality without the index (missing values)", () => assert.equal(dataset("airquality").head(10).toCsv({ index: false }), pandasCase("io", "to_csv_airquality_head_noindex")));
  it("quoting, floats and booleans", () => {
    const df = new DataFrame({ s: ["a,b", 'say "x"', "two\nlines", null], f: [1.0, 0.1, 1e-5, 12345678.5], i: [1, 2, 3, 4], b: [true, false, true, false] }, { dtypes: { f: "float64" } });
    assert.equal(df.toCsv({ index: false }), pandasCase("io", "to_csv_quoting"));
  });
  it("separator and NA text", () => assert.equal(dataset("airquality").head(6).toCsv({ sep: ";", naRep: "NA", index: false }), pandasCase("io", "to_csv_sep_na")));
  it("dates", () => assert.equal(dataset("airline-passengers", { parseDates: ["month"] }).head(3).toCsv({ index: false }), pandasCase("io", "to_csv_dates")));
  it("round trip through readCsv keeps values and dtypes", () => {
    const mt = dataset("mtcars");
    frameEqual(readCsv(mt.toCsv({ index: false })), pandasCase<EncFrame>("io", "read_mtcars"));
  });
});

describe("JSON", () => {
  it("toJson records equals pandas", () => assert.deepEqual(JSON.parse(dataset("iris").head(4).toJson()), pandasCase("io", "to_json_records_iris_head")));
  it("toJson columns equals pandas (NaN as null)", () => assert.deepEqual(JSON.parse(dataset("airquality").head(6).toJson({ orient: "columns" })), pandasCase("io", "to_json_columns_aq_head")));
  it("readJson records", () => {
    const c = pandasCase<TextCase>("io", "read_json_records");
    // pandas makes the sparse boolean column c float (1.0/NaN); tensorloom keeps it bool with a mask
    frameEqual(readJson(c.text).select("a", "b"), pick(c.frame, ["a", "b"]));
    assert.deepEqual(readJson(c.text).col("c").toArray(), [null, null, true]);
  });
  it("readJson columns", () => {
    const c = pandasCase<TextCase>("io", "read_json_columns");
    frameEqual(readJson(c.text), c.frame);
  });
  it("round trips: records, split, index, lines", () => {
    const df = dataset("airquality").head(5);
    for (const orient of ["records", "split", "index", "columns"] as const) {
      const back = readJson(df.toJson({ orient }), { orient });
      assert.deepEqual(back.toColumns(), df.toColumns(), orient);
    }
  });
  it("bad JSON names the line", () => throwsFrame(() => readJson('{"a":1}\n{oops', { lines: true }), /line 2 is not valid JSON/));
});
