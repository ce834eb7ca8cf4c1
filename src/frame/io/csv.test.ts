// readCsv/toCsv/readJson/toJson against pandas on the data sets and on tricky inline texts,
// the chunked and streaming readers, and the errors for malformed input.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readCsv, readCsvChunks, readCsvStream, readJson, DataFrame, FrameError, type ReadCsvOptions, type FrameDType } from "../index.js";
import { dataset, datasetText, pick, frameEqual, pandasCase, pandasCases, throwsFrame, type EncFrame } from "../testing.test.js";
import { readCsvWork } from "./csv.js";
import { cell } from "../column.js";

const files: Record<string, string> = {
  iris: "iris",
  mtcars: "mtcars",
  airquality: "airquality",
  warpbreaks: "warpbreaks",
  "titanic-counts": "titanic-counts",
  "eu-stock-markets": "eu-stock-markets",
  "co2-mauna-loa": "co2-mauna-loa",
  "tooth-growth": "tooth-growth",
};

describe("readCsv matches pandas.read_csv on the data sets", () => {
  for (const name of Object.keys(files)) {
    it(name, () => frameEqual(dataset(name), pandasCase<EncFrame>("io", `read_${name}`), { label: name }));
  }
  it("airline-passengers with parseDates", () =>
    frameEqual(dataset("airline-passengers", { parseDates: ["month"] }), pandasCase<EncFrame>("io", "read_airline_parse_dates")));
  it("bytes input decodes UTF-8", () => {
    const df = readCsv(new TextEncoder().encode("city,n\nZürich,1\n"));
    assert.deepEqual(df.col("city").toArray(), ["Zürich"]);
  });
});

interface TextCase {
  text: string;
  options: Record<string, unknown>;
  frame: EncFrame;
}

function optionsFrom(p: Record<string, unknown>): ReadCsvOptions {
  const o: ReadCsvOptions = {};
  for (const [k, v] of Object.entries(p)) {
    switch (k) {
      case "sep":
        o.sep = v as string;
        break;
      case "na_values":
        o.naValues = v as string[];
        break;
      case "keep_default_na":
        o.keepDefaultNa = v as boolean;
        break;
      case "header":
        o.header = v as number | null;
        break;
      case "names":
        o.names = v as string[];
        break;
      case "dtype":
        o.dtype = v as Record<string, FrameDType>;
        break;
      case "nrows":
        o.nrows = v as number;
        break;
      case "skiprows":
        o.skipRows = v as number;
        break;
      case "usecols":
        o.usecols = v as string[];
        break;
      case "index_col":
        o.indexCol = v as string;
        break;
      case "parse_dates":
        o.parseDates = v as string[];
        break;
      case "comment":
        o.comment = v as string;
        break;
      default:
        throw new Error(`unmapped pandas option ${k}`);
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
  it("readCsvChunks gives pandas' chunks' values, with the first chunk's dtypes in every chunk", () => {
    const chunks = [...readCsvChunks(text, { chunkSize: 40 })];
    assert.equal(chunks.length, expected.length);
    chunks.forEach((c, k) => frameEqual(c, expected[k]!, { index: false, label: `chunk ${k}`, dtypes: k === 0 }));
    // pandas types chunk 1's Solar.R (no missing value there) int64; here it stays float64
    assert.equal(expected[1]!.dtypes[1], "int64");
    for (const c of chunks)
      assert.deepEqual(
        c.data.map((col) => col.dtype),
        chunks[0]!.data.map((col) => col.dtype),
      );
  });
  it("a chunk after the first keeps int64 through a missing value, and names the fix for a value that does not fit", async () => {
    const src = "a,b\n1,x\n2,y\n,z\n4,w\n5.5,v\n";
    const chunks = [...readCsvChunks(src, { chunkSize: 2, nrows: 4 })];
    assert.deepEqual(
      chunks.map((c) => c.col("a").dtype),
      ["int64", "int64"],
    );
    assert.deepEqual(chunks[1]!.col("a").toArray(), [null, 4]);
    throwsFrame(
      () => [...readCsvChunks(src, { chunkSize: 2 })],
      /column "a", line 6: "5.5" is not a valid int64/,
      /every chunk keeps the dtypes of the first chunk: pass dtype for this column/,
    );
    assert.deepEqual(
      [...readCsvChunks(src, { chunkSize: 2, dtype: { a: "float64" } })].flatMap((c) => c.col("a").toArray()),
      [1, 2, NaN, 4, 5.5],
    );
    const streamed: string[] = [];
    for await (const c of readCsvStream([src.slice(0, 7), src.slice(7)], { chunkSize: 2, nrows: 4 })) streamed.push(c.col("a").dtype);
    assert.deepEqual(streamed, ["int64", "int64"]);
  });
  it("readCsvStream reassembles records split across pieces, quotes included", async () => {
    const src = 'a,b\n1,"x\ny"\n2,"p,q"\n3,z\n4,w\n5,v\n';
    const pieces = src.match(/[\s\S]{1,3}/g)!;
    const got: DataFrame[] = [];
    for await (const df of readCsvStream(pieces, { chunkSize: 2 })) got.push(df);
    assert.deepEqual(
      got.map((d) => d.length),
      [2, 2, 1],
    );
    assert.deepEqual(
      got.flatMap((d) => d.col("b").toArray()),
      ["x\ny", "p,q", "z", "w", "v"],
    );
    assert.deepEqual(
      got.flatMap((d) => d.col("a").toArray()),
      [1, 2, 3, 4, 5],
    );
  });
  it("readCsvStream over bytes of a data set equals readCsv", async () => {
    const bytes = new TextEncoder().encode(text);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 997) }, (_, k) => bytes.subarray(k * 997, (k + 1) * 997));
    const rows: number[] = [];
    for await (const df of readCsvStream(pieces, { chunkSize: 50 })) rows.push(df.length);
    assert.deepEqual(rows, [50, 50, 50, 3]);
  });
  it("nrows limits chunked reads", () => {
    assert.deepEqual(
      [...readCsvChunks(text, { chunkSize: 40, nrows: 50 })].map((d) => d.length),
      [40, 10],
    );
  });
});

describe("bool text is read from the characters", () => {
  it("exactly pandas' six spellings stay bool; near misses turn the column to text", () => {
    const good = ["True", "TRUE", "true", "False", "FALSE", "false"];
    const bad = ["tRUE", "fALSE", "TRue", "trUE", "FaLSE", "falsE", "Tru", "truee", "Frue", "Talse", "T", "1"];
    for (const w of good) assert.deepEqual(readCsv(`a\nTrue\n${w}\n`).col("a").toArray(), [true, w.toLowerCase() === "true"], w);
    for (const w of bad) assert.deepEqual(readCsv(`a\nTrue\n${w}\n`).col("a").toArray(), ["True", w], w);
  });
});

describe("readCsv errors name the line and column", () => {
  it("a row with too many fields", () =>
    throwsFrame(() => readCsv("a,b\n1,2\n3,4,5\n"), /line 3 has 3 fields but the header has 2/, /onBadLines/));
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
  it("an unclosed quote", () =>
    throwsFrame(() => readCsv('a,b\n1,"open\n2,3\n'), /quoted field starting on line 2 \(column 2\) is never closed/));
  it("invalid UTF-8", () => throwsFrame(() => readCsv(Uint8Array.from([97, 10, 0xff, 10])), /not valid UTF-8: byte 2 \(line 2\)/));
  it("a value that does not fit a requested dtype", () =>
    throwsFrame(
      () => readCsv("a,b\n1,x\nq,y\n", { dtype: { a: "int64" } }),
      /column "a", line 3: "q" is not a valid int64/,
      /errors: "coerce"/,
    ));
  it("a float where int64 was asked", () =>
    throwsFrame(() => readCsv("a\n1\n1.5\n", { dtype: { a: "int64" } }), /"1.5" is not a valid int64/));
  it("errors coerce makes missing values and counts them", () => {
    const seen: string[] = [];
    const df = readCsv("a\n1\nq\n3\n", {
      dtype: { a: "int64" },
      errors: "coerce",
      onCoerce: (c) => seen.push(`${c.column}@${c.line}:${c.text}`),
    });
    assert.deepEqual(df.col("a").toArray(), [1, null, 3]);
    assert.equal(df.dtypes.at("a"), "int64");
    assert.deepEqual(seen, ["a@3:q"]);
  });
  it("a bad date in parseDates", () =>
    throwsFrame(() => readCsv("d\n2024-01-01\nsoon\n", { parseDates: ["d"] }), /column "d", line 3: "soon" is not a valid datetime/));
  it("an unknown column in options", () =>
    throwsFrame(() => readCsv("a,b\n1,2\n", { usecols: ["a", "c"] }), /no column named "c" in the header \(a, b\)/));
  it("a multi-character separator", () => throwsFrame(() => readCsv("a::b\n", { sep: "::" }), /sep must be one character/));
});

describe("toCsv matches pandas.to_csv", () => {
  it("mtcars head with the index", () => assert.equal(dataset("mtcars").head(6).toCsv(), pandasCase("io", "to_csv_mtcars_head")));
  it("airquality without the index (missing values)", () =>
    assert.equal(dataset("airquality").head(10).toCsv({ index: false }), pandasCase("io", "to_csv_airquality_head_noindex")));
  it("quoting, floats and booleans", () => {
    const df = new DataFrame(
      { s: ["a,b", 'say "x"', "two\nlines", null], f: [1.0, 0.1, 1e-5, 12345678.5], i: [1, 2, 3, 4], b: [true, false, true, false] },
      { dtypes: { f: "float64" } },
    );
    assert.equal(df.toCsv({ index: false }), pandasCase("io", "to_csv_quoting"));
  });
  it("separator and NA text", () =>
    assert.equal(dataset("airquality").head(6).toCsv({ sep: ";", naRep: "NA", index: false }), pandasCase("io", "to_csv_sep_na")));
  it("dates", () =>
    assert.equal(
      dataset("airline-passengers", { parseDates: ["month"] })
        .head(3)
        .toCsv({ index: false }),
      pandasCase("io", "to_csv_dates"),
    ));
  it("round trip through readCsv keeps values and dtypes", () => {
    const mt = dataset("mtcars");
    frameEqual(readCsv(mt.toCsv({ index: false })), pandasCase<EncFrame>("io", "read_mtcars"));
  });
});

describe("JSON", () => {
  it("toJson records equals pandas", () =>
    assert.deepEqual(JSON.parse(dataset("iris").head(4).toJson()), pandasCase("io", "to_json_records_iris_head")));
  it("toJson columns equals pandas (NaN as null)", () =>
    assert.deepEqual(JSON.parse(dataset("airquality").head(6).toJson({ orient: "columns" })), pandasCase("io", "to_json_columns_aq_head")));
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

describe("type promotions keep the missing cells", () => {
  // Every column of four cells drawn from {int, float, bool, text, missing} (5^4 = 625 columns,
  // each missing marker form in turn): the result follows the inference rules, and a missing
  // cell stays missing whichever promotion (int -> float, int -> bool, any -> text) came after it.
  const kinds = ["int", "float", "bool", "text", "na"] as const;
  const textOf = { int: ["7", "-2", "0"], float: ["1.5", "-0.25", "3e2"], bool: ["True", "false", "TRUE"], text: ["x", "a b", "1x"] };
  const naForms = ["", "NA", "nan", '""', "NULL"];
  const expectFor = (cells: (typeof kinds)[number][], texts: string[]): { dtype: string; values: unknown[] } => {
    const present = new Set(cells.filter((k) => k !== "na"));
    const hasNa = cells.includes("na");
    if (present.size === 0) return { dtype: "float64", values: cells.map(() => NaN) };
    const only = (...ks: string[]) => [...present].every((k) => ks.includes(k));
    if (only("int"))
      return hasNa
        ? { dtype: "float64", values: texts.map((t, i) => (cells[i] === "na" ? NaN : Number(t))) }
        : { dtype: "int64", values: texts.map(Number) };
    if (only("int", "float")) return { dtype: "float64", values: texts.map((t, i) => (cells[i] === "na" ? NaN : Number(t))) };
    if (only("bool")) return { dtype: "bool", values: texts.map((t, i) => (cells[i] === "na" ? null : t.toLowerCase() === "true")) };
    return { dtype: "string", values: texts.map((t, i) => (cells[i] === "na" ? null : t)) };
  };
  it("625 four-cell columns, the missing marker varied, with a promoting neighbour column", () => {
    let k = 0,
      checked = 0;
    const combos: (typeof kinds)[number][][] = [[]];
    for (let d = 0; d < 4; d++) combos.splice(0, combos.length, ...combos.flatMap((c) => kinds.map((x) => [...c, x])));
    for (const cells of combos) {
      const texts = cells.map((c, i) => (c === "na" ? "" : textOf[c][(i + k) % 3]!));
      const written = cells.map((c, i) => (c === "na" ? naForms[(i + k++) % naForms.length]! : texts[i]!));
      // a second column that turns from int to text on the last row, so re-reads cross fields
      const csv = "a,b\n" + written.map((w, i) => `${w},${i === 3 ? "z" : i}`).join("\n") + "\n";
      const df = readCsv(csv);
      const want = expectFor(cells, texts);
      assert.equal(df.dtypes.at("a"), want.dtype === "string" ? "string" : want.dtype, `${JSON.stringify(csv)} dtype`);
      assert.deepEqual(df.col("a").toArray(), want.values, JSON.stringify(csv));
      assert.deepEqual(df.col("b").toArray(), ["0", "1", "2", "z"]);
      checked++;
    }
    assert.equal(checked, 625);
  });
  it('a short row\'s absent cell reads as an empty field after any promotion (missing, or "" with keepDefaultNa: false, as pandas)', () => {
    for (const later of ["1.5", "x", "True"]) {
      for (const keepDefaultNa of [true, false]) {
        const df = readCsv(`a,b\n1,2\n3\n4,${later}\n`, { keepDefaultNa, onShortRow: () => {} });
        const b = df.col("b").toArray();
        assert.equal(b.length, 3);
        if (keepDefaultNa) assert.ok(b[1] === null || Number.isNaN(b[1]), `${later}: ${JSON.stringify(b)}`);
        else assert.deepEqual(b, ["2", "", later], later); // pandas 1.5: [2, "", x] as object
      }
    }
  });
  it("the issue's example: a\\nNA\\n1.5 is [NaN, 1.5]", () => assert.deepEqual(readCsv("a\nNA\n1.5").col("a").toArray(), [NaN, 1.5]));
  it("dates: every missing form at every position is NaT, also next to coerced values", () => {
    const forms = ["", "NA", "NaN", '""', "null"];
    for (let pos = 0; pos < 4; pos++) {
      for (const form of forms) {
        const cells = ["2024-01-02", "2024-03-04 05:06:07", "soon", "2023-12-31"];
        cells[pos] = form;
        const coerced: string[] = [];
        const df = readCsv(`d,x\n${cells.map((c, i) => `${c},${i}`).join("\n")}\n`, {
          parseDates: ["d"],
          errors: "coerce",
          onCoerce: (c) => coerced.push(c.text),
        });
        const got = df
          .col("d")
          .toArray()
          .map((v) => (v instanceof Date ? v.toISOString().slice(0, 19) : v));
        const want = cells.map((c, i) =>
          i === pos || c === "soon" ? null : new Date(c.replace(" ", "T") + "Z").toISOString().slice(0, 19),
        );
        assert.deepEqual(got, want, `${JSON.stringify(form)} at ${pos}`);
        assert.deepEqual(coerced, pos === 2 ? [] : ["soon"]);
      }
    }
  });
});

describe("the last record needs no line terminator", () => {
  // Rule: text without its final line break reads as the same text with it, whatever the record
  // ends with (a separator, a quoted field, an empty field) and whatever the line breaks are.
  const bodies = [
    "a,b\n1,",
    "a,b\n1,2\n3,",
    "a,b,\n1,2,",
    "a\n1\n2",
    'a,b\n1,""',
    'a,b\n"x",',
    "a,b\n,",
    "a,b,c\n1,,",
    "a;b\n1;",
    'a,b\n"1,2",',
  ];
  for (const nl of ["\n", "\r\n", "\r"]) {
    it(`ending with a separator or a field, line breaks ${JSON.stringify(nl)}`, () => {
      for (const body of bodies) {
        const t = body.replace(/\n/g, nl);
        const opts: ReadCsvOptions = body.includes(";") ? { sep: ";" } : {};
        const without = readCsv(t, opts),
          withNl = readCsv(t + nl, opts);
        assert.deepEqual(without.columns, withNl.columns, t);
        assert.deepEqual(without.toColumns(), withNl.toColumns(), t);
        assert.equal(without.length, body.split("\n").length - 1, t);
      }
    });
  }
  it("a header ending with a separator gets one unnamed column, not two", () =>
    assert.deepEqual(readCsv("a,b,\n1,2,").columns, ["a", "b", "Unnamed: 2"]));
});

describe("toCsv -> readCsv keeps every row of a one-column frame", () => {
  it('missing and empty cells are written as "" (as pandas), so no line is blank', () => {
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const make: Record<string, () => unknown> = {
      float64: () => rnd() * 10 - 5,
      int64: () => Math.floor(rnd() * 100),
      bool: () => rnd() < 0.5,
      string: () => (rnd() < 0.3 ? "" : `s${Math.floor(rnd() * 5)}`),
    };
    for (let trial = 0; trial < 200; trial++) {
      const dtype = Object.keys(make)[trial % 4]!;
      const n = 1 + Math.floor(rnd() * 8);
      const vals = Array.from({ length: n }, () => (rnd() < 0.4 ? null : make[dtype]!()));
      const df = new DataFrame({ [trial % 7 === 0 ? "" : "v"]: vals }, { dtypes: { v: dtype as FrameDType, "": dtype as FrameDType } });
      const text = df.toCsv({ index: false });
      assert.ok(!/\n\n/.test(text) && !text.startsWith("\n"), JSON.stringify(text));
      const back = readCsv(text);
      assert.equal(back.length, n, JSON.stringify(text));
      // "" and missing are one value in CSV (pandas reads both as NaN)
      const norm = (v: unknown) => (v === null || v === "" || (typeof v === "number" && Number.isNaN(v)) ? null : v);
      assert.deepEqual(
        back.data[0] ? back.col(back.columns[0]!).toArray().map(norm) : [],
        df.col(df.columns[0]!).toArray().map(norm),
        JSON.stringify(text),
      );
    }
  });
  it("equals pandas' to_csv for a one-column frame with missing values", () => {
    assert.equal(new DataFrame({ a: [1, null, 3] }, { dtypes: { a: "float64" } }).toCsv({ index: false }), 'a\n1.0\n""\n3.0\n');
    assert.equal(new DataFrame({ a: ["x", "", null] }).toCsv({ index: false, naRep: "NA" }), 'a\nx\n""\nNA\n');
  });
});

describe("a wide CSV reads in time linear in its columns", () => {
  const C = 20_000;
  // column j: kind j % 4 = int; int, missing, then float; int then text on the last row; quoted text with separators
  const written = (j: number, r: number): string => {
    switch (j % 4) {
      case 0:
        return String(j + r);
      case 1:
        return r === 1 ? "NA" : r === 2 ? `${j}.5` : String(j);
      case 2:
        return r === 2 ? `t${j}` : String(r);
      default:
        return `"q,${j}"`;
    }
  };
  const text = [
    Array.from({ length: C }, (_, j) => `c${j}`).join(","),
    ...[0, 1, 2].map((r) => Array.from({ length: C }, (_, j) => written(j, r)).join(",")),
  ].join("\n");
  it("20,000 columns x 3 rows: every column's dtype and values, and re-reads bounded per cell", () => {
    readCsvWork.rereadFields = 0;
    const df = readCsv(text);
    assert.deepEqual(df.shape, [3, C]);
    const want = { 0: "int64", 1: "float64", 2: "string", 3: "string" } as Record<number, string>;
    const names = df.columns,
      data = df.data;
    for (let j = 0; j < C; j++) {
      const col = data[j]!;
      assert.equal(names[j], `c${j}`);
      assert.equal(col.dtype, want[j % 4], `c${j}`);
      for (let r = 0; r < 3; r++) {
        const t = written(j, r);
        const exp = j % 4 === 3 ? t.slice(1, -1) : j % 4 === 2 ? t : t === "NA" ? NaN : Number(t);
        if (!Object.is(cell(col, r), exp)) assert.fail(`c${j} row ${r}: ${String(cell(col, r))} != ${exp}`);
      }
    }
    // the C / 4 columns that turn to text re-read their two earlier cells each, skipping at most 15
    // fields from the nearest kept offset; the quadratic reader rescanned whole rows (~10^8 fields)
    assert.ok(readCsvWork.rereadFields <= 2 * (C / 4) * 16, `re-read ${readCsvWork.rereadFields} fields`);
    assert.ok(readCsvWork.rereadFields >= 2 * (C / 4), "the counter counts");
  });
  it("building the frame looks at each column name a bounded number of times", () => {
    // the duplicate-name check of DataFrame.fromColumns, which every read ends in, counted through a proxy
    let reads = 0;
    const names = Array.from({ length: C }, (_, j) => `c${j}`);
    const counted = new Proxy(names, {
      get: (t, k, r) => {
        if (typeof k === "string" && /^\d+$/.test(k)) reads++;
        return Reflect.get(t, k, r) as unknown;
      },
    });
    const col = readCsv("a\n1\n").data[0]!;
    DataFrame.fromColumns(
      counted,
      names.map(() => col),
    );
    assert.ok(reads <= 4 * C, `${reads} element reads for ${C} names`);
  });
});

describe("pandas 1.5 reading rules (found by the CSV fuzzer)", () => {
  const PANDAS_15_NA = [
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "n/a",
    "nan",
    "null",
  ];
  it("exactly pandas 1.5's NA markers are missing; None is text (it became a marker in pandas 2.0)", () => {
    for (const m of PANDAS_15_NA)
      assert.deepEqual(
        readCsv(`a,b\n"${m}",x\n${m === "" ? '""' : m},y\n`)
          .col("a")
          .toArray(),
        [NaN, NaN],
        m,
      );
    assert.deepEqual(readCsv("a\nNone\n1\n").col("a").toArray(), ["None", "1"]);
  });
  it("lines of only spaces and tabs are skipped, for every separator and line break; a line starting with a tab separator is a record", () => {
    for (const sep of [",", ";", "|", "\t"]) {
      for (const nl of ["\n", "\r\n", "\r"]) {
        // pandas 1.5 gives the same for LF and CRLF (with CR alone and a tab separator it drops the tab line)
        const t = ["   ", "a" + sep + "b", "1" + sep + "2", "  ", "\t", "3" + sep + "4", " "].join(nl);
        const df = readCsv(t, { sep });
        if (sep === "\t") assert.deepEqual(df.col("a").toArray(), [1, NaN, 3], `${JSON.stringify(sep)} ${JSON.stringify(nl)}`);
        else assert.deepEqual(df.col("a").toArray(), [1, 3], `${JSON.stringify(sep)} ${JSON.stringify(nl)}`);
      }
    }
  });
  it("repeated and blank header names are numbered as pandas' C reader numbers them", () => {
    const cases: [string, string[]][] = [
      // each from pandas 1.5.3
      ["a,a,a.1,a", ["a", "a.2", "a.1", "a.3"]],
      [",,a,,a", ["Unnamed: 0", "Unnamed: 1", "a", "Unnamed: 3", "a.1"]],
      ["a,,Unnamed: 1,Unnamed: 1", ["a", "Unnamed: 1.2", "Unnamed: 1", "Unnamed: 1.1"]],
      [",Unnamed: 0,,a,a", ["Unnamed: 0.1", "Unnamed: 0", "Unnamed: 2", "a", "a.1"]],
    ];
    for (const [head, names] of cases)
      assert.deepEqual(
        readCsv(
          `${head}\n${head
            .split(",")
            .map((_, j) => j)
            .join(",")}\n`,
        ).columns,
        names,
        head,
      );
  });
  it("every sign and case of inf and infinity is a float infinity", () => {
    for (const word of ["inf", "Inf", "INF", "infinity", "Infinity", "INFINITY", "iNfInItY"]) {
      for (const sign of ["", "+", "-"]) {
        const df = readCsv(`a\n1\n${sign}${word}\n`);
        assert.equal(df.dtypes.at("a"), "float64", sign + word);
        assert.equal(df.col("a").toArray()[1], sign === "-" ? -Infinity : Infinity, sign + word);
      }
    }
  });
  it("a column without rows is text (object), as pandas", () => {
    for (const t of ["a,b\n", "a,b", "a,b\n\n  \n"]) assert.deepEqual(readCsv(t).dtypes.toArray(), ["string", "string"], JSON.stringify(t));
    assert.equal(readCsv("a,b\n", { dtype: { a: "int64" } }).dtypes.at("a"), "int64");
  });
  it("bytes and text drop the same one byte-order mark (skipBom: false keeps it)", () => {
    for (const boms of [0, 1, 2]) {
      const t = "\ufeff".repeat(boms) + "a,b\n1,2\n";
      const fromBytes = readCsv(new TextEncoder().encode(t)),
        fromText = readCsv(t);
      assert.deepEqual(fromBytes.columns, fromText.columns, `${boms} BOMs`);
      assert.deepEqual(fromText.columns, [boms === 2 ? "\ufeffa" : "a", "b"]);
      assert.deepEqual(readCsv(new TextEncoder().encode(t), { skipBom: false }).columns[0], "\ufeff".repeat(boms) + "a");
    }
  });
  it("toCsv quotes what a reader would drop: one-column cells of spaces and tabs, and a leading U+FEFF", () => {
    for (const v of [" ", "\t", "  \t ", "\ufeff", "\ufeffx", "x"]) {
      const df = new DataFrame({ [v]: [v, "y", v] });
      const back = readCsv(df.toCsv({ index: false }));
      assert.deepEqual(back.columns, [v], JSON.stringify(v));
      assert.deepEqual(back.col(v).toArray(), [v, "y", v], JSON.stringify(v));
    }
  });
});

describe("readCsvStream over small pieces", () => {
  it("invalid UTF-8 anywhere, in pieces of any size, is a FrameError naming the bytes", async () => {
    let seed = 5;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const good = new TextEncoder().encode("a,b\nZürich,1\n😀,2\n");
    for (let trial = 0; trial < 60; trial++) {
      const bytes = good.slice();
      bytes[Math.floor(rnd() * bytes.length)] = [0xff, 0xc3, 0x80, 0xf0][trial % 4]!;
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; ) {
        const n = 1 + Math.floor(rnd() * 5);
        pieces.push(bytes.subarray(at, at + n));
        at += n;
      }
      let whole: unknown = null,
        streamed: unknown = null;
      try {
        readCsv(bytes);
      } catch (e) {
        whole = e;
      }
      try {
        for await (const _ of readCsvStream(pieces, { chunkSize: 10 })) {
          /* drain */
        }
      } catch (e) {
        streamed = e;
      }
      // a byte swapped for one that still decodes (e.g. 0xc3 before a continuation) may be valid: both agree
      assert.equal(whole === null, streamed === null, `trial ${trial}`);
      if (streamed !== null) {
        assert.ok(streamed instanceof FrameError, `trial ${trial}: ${String(streamed)}`);
        assert.match((streamed as Error).message, /readCsvStream: the input is not valid UTF-8 \(within bytes \d+\.\.\d+ of the stream\)/);
      }
    }
  });
  it("a 1.3 MB text in 1 KB pieces is parsed a bounded number of times, not once per piece", async () => {
    const rows = 100_000;
    const text = "id,name\n" + Array.from({ length: rows }, (_, i) => `${i},name number ${i % 977}`).join("\n") + "\n";
    const pieces = Array.from({ length: Math.ceil(text.length / 1024) }, (_, k) => text.slice(k * 1024, (k + 1) * 1024));
    readCsvWork.records = 0;
    const frames: DataFrame[] = [];
    for await (const df of readCsvStream(pieces, { chunkSize: 1 << 30 })) frames.push(df);
    assert.deepEqual(
      frames.map((f) => f.length),
      [rows],
    );
    assert.deepEqual(frames[0]!.col("id").toArray().slice(-2), [rows - 2, rows - 1]);
    // each try parses the buffer once and the next waits for it to double: < 4 passes over the rows
    // (one per piece after the first megabyte was ~300 passes)
    assert.ok(readCsvWork.records < 4 * rows, `${readCsvWork.records} records parsed for ${rows}`);
  });
});

describe("reading options (found by the CSV fuzzer)", () => {
  it("usecols keeps the file's column order, whatever order is asked (as pandas)", () => {
    const names = ["a", "b", "c", "d"];
    const text = "a,b,c,d\n1,2,3,4\n";
    for (let mask = 1; mask < 16; mask++) {
      const chosen = names.filter((_, j) => mask & (1 << j));
      for (const asked of [chosen, chosen.slice().reverse()]) {
        const df = readCsv(text, { usecols: asked });
        assert.deepEqual(df.columns, chosen, asked.join());
        assert.deepEqual(
          df.columns.map((k) => df.col(k).toArray()[0]),
          chosen.map((k) => names.indexOf(k) + 1),
        );
      }
    }
  });
  it("nrows: 0 reads no rows; without a header the columns still come from the first record (text, as pandas)", () => {
    assert.deepEqual(readCsv("a,b\n1,2\n", { nrows: 0 }).shape, [0, 2]);
    const df = readCsv("1,2,3\n4,5,6\n", { header: null, nrows: 0 });
    assert.deepEqual(df.columns, ["0", "1", "2"]);
    assert.deepEqual(df.dtypes.toArray(), ["string", "string", "string"]);
    for (let n = 1; n <= 3; n++) assert.equal(readCsv("a\n1\n2\n3\n", { nrows: n }).length, n);
  });
});

describe("onBadLines: skip leaves no trace of the skipped row", () => {
  it("reading with a long row skipped equals reading the text without it (random columns, every position)", () => {
    let seed = 9;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const values = ["1", "-2", "1.5", "True", "false", "x", "NA", "", '"q,r"'];
    let checked = 0;
    for (let trial = 0; trial < 300; trial++) {
      const cols = 1 + Math.floor(rnd() * 3),
        rows = 1 + Math.floor(rnd() * 5);
      const lines = Array.from({ length: rows }, () =>
        Array.from({ length: cols }, () => values[Math.floor(rnd() * values.length)]!).join(","),
      );
      const badAt = Math.floor(rnd() * (rows + 1));
      // the skipped row holds values that would change the column types (text, floats, bools) or mark cells missing
      const bad = Array.from({ length: cols + 1 }, () => ["x", "2.5", "True", "y", "NA", ""][Math.floor(rnd() * 6)]!).join(",");
      const head = Array.from({ length: cols }, (_, j) => `c${j}`).join(",");
      const withBad = [head, ...lines.slice(0, badAt), bad, ...lines.slice(badAt)].join("\n") + "\n";
      const without = [head, ...lines].join("\n") + "\n";
      const a = readCsv(withBad, { onBadLines: "skip" }),
        b = readCsv(without);
      assert.deepEqual(a.dtypes.toArray(), b.dtypes.toArray(), JSON.stringify(withBad));
      assert.deepEqual(a.toColumns(), b.toColumns(), JSON.stringify(withBad));
      checked++;
    }
    assert.equal(checked, 300);
  });
});

describe("readCsv: bool words", () => {
  it("only True/TRUE/true/False/FALSE/false make a bool column, not Object's own keys", () => {
    assert.equal(readCsv("x\nTrue\nfalse\n").data[0]!.dtype, "bool");
    for (const word of ["toString", "constructor", "valueOf", "tRUE"]) {
      const df = readCsv(`x\n${word}\n`);
      assert.equal(df.data[0]!.dtype, "string", word);
      assert.deepEqual(df.col("x").toArray(), [word]);
    }
  });
});
