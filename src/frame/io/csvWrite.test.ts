// toCsv's byte writers for dates, integers, floats and booleans, against pandas.to_csv and formatDate.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataFrame } from "../index.js";
import { dateCol, formatDate } from "../column.js";
import { newFrame } from "../frames.js";

const stamps = (xs: (string | null)[]) => dateCol(Float64Array.from(xs, (x) => (x === null ? NaN : Date.parse(`${x}Z`))));

describe("toCsv writes cells as pandas.to_csv", () => {
  it("dates with milliseconds, before 1970, date-only columns, missing values", () => {
    const t = stamps(["1969-12-31T23:59:59.500", "2023-01-15T08:05:09", null, "1900-03-01T00:00:00", "2024-02-29T12:00:00.007"]);
    const d = stamps(["1969-12-31", "2023-01-15", "2023-01-16", null, "1905-07-04"]);
    const rest = new DataFrame(
      { n: [1, -20, null, 123456789012, 0], x: [0.1, -2.5, 1e-5, 123456.789, null], b: [true, false, true, false, true] },
      { dtypes: { n: "int64" } },
    );
    const df = newFrame(["t", "d", ...rest.names], [t, d, ...rest.data]);
    // pandas 1.5: the same frame (t, d datetime64[ns], n Int64).to_csv(index=False)
    assert.equal(
      df.toCsv({ index: false }),
      "t,d,n,x,b\n1969-12-31 23:59:59.500,1969-12-31,1,0.1,True\n2023-01-15 08:05:09.000,2023-01-15,-20,-2.5,False\n,2023-01-16,,1e-05,True\n1900-03-01 00:00:00.000,,123456789012,123456.789,False\n2024-02-29 12:00:00.007,1905-07-04,0,,True\n",
    );
  });
  it("integers up to 2^53 and floats at their shortest, as Python writes them", () => {
    const ints = [0, 9, 10, 99, 100, 999999, 1000000, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, -1, -10, 123456789012];
    const floats = [0.5, 10.25, 99.99, 100.01, 1e8 + 0.5, 0.001, 123456.789, -0, -3.5, 1e-5, 2 ** 31 + 0.5, 7];
    // pandas 1.5: pd.DataFrame({"i": ints}).to_csv(index=False), and the same for floats
    assert.equal(
      new DataFrame({ i: ints }, { dtypes: { i: "int64" } }).toCsv({ index: false }),
      "i\n0\n9\n10\n99\n100\n999999\n1000000\n2147483647\n2147483648\n9007199254740991\n-1\n-10\n123456789012\n",
    );
    assert.equal(
      new DataFrame({ f: floats }, { dtypes: { f: "float64" } }).toCsv({ index: false }),
      "f\n0.5\n10.25\n99.99\n100.01\n100000000.5\n0.001\n123456.789\n-0.0\n-3.5\n1e-05\n2147483648.5\n7.0\n",
    );
  });
  it("dates outside pandas' range and fractions of a millisecond as formatDate prints them", () => {
    const ms = [Date.UTC(999, 0, 2, 3, 4, 5), Date.UTC(12000, 5, 6), Date.UTC(-50, 0, 1), 1.5, 86400000 * 3 + 0.25];
    const df = newFrame(["t"], [dateCol(Float64Array.from(ms))]);
    assert.equal(df.toCsv({ index: false }), `t\n${ms.map((x) => formatDate(x, false, true)).join("\n")}\n`);
    // the same day in many rows: each row its own time
    const day = Date.UTC(2023, 4, 6);
    const many = Array.from({ length: 3000 }, (_, i) => day + ((i * 7919) % 86400) * 1000 + (i % 2000) * 86400000);
    const big = newFrame(["t"], [dateCol(Float64Array.from(many))]);
    assert.equal(big.toCsv({ index: false }), `t\n${many.map((x) => formatDate(x, false, false)).join("\n")}\n`);
  });
});
