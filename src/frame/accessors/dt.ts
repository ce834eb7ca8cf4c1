// series.dt: calendar parts of a datetime column (timezone-naive, read as UTC). Parts of a
// missing time are missing, which makes the result float64 as in pandas.

import { floatCol, intCol, quote, formatDate, encodeStrings, type FloatColumn } from "../column.js";
import { FrameError } from "../errors.js";
import type { Series } from "../series.js";
import { newSeries } from "../frames.js";

export class DateAccessor {
  private readonly v: Float64Array;
  constructor(private readonly s: Series) {
    if (s.col.dtype !== "datetime")
      throw new FrameError(
        `dt: column ${quote(s.name)} is ${s.col.dtype}; the dt accessor needs a datetime column. Parse it with astype("datetime") or readCsv's parseDates.`,
      );
    this.v = (s.col as FloatColumn).values;
  }
  private part(fn: (d: Date) => number): Series {
    const out = new Float64Array(this.v.length);
    let missing = false;
    for (let i = 0; i < out.length; i++) {
      const t = this.v[i]!;
      if (t !== t) {
        out[i] = NaN;
        missing = true;
      } else out[i] = fn(new Date(t));
    }
    return newSeries(missing ? floatCol(out) : intCol(out), this.s.name, this.s.index);
  }
  get year(): Series {
    return this.part((d) => d.getUTCFullYear());
  }
  get month(): Series {
    return this.part((d) => d.getUTCMonth() + 1);
  }
  get day(): Series {
    return this.part((d) => d.getUTCDate());
  }
  get hour(): Series {
    return this.part((d) => d.getUTCHours());
  }
  get minute(): Series {
    return this.part((d) => d.getUTCMinutes());
  }
  get second(): Series {
    return this.part((d) => d.getUTCSeconds());
  }
  /** Monday = 0 ... Sunday = 6, as pandas. */
  get dayofweek(): Series {
    return this.part((d) => (d.getUTCDay() + 6) % 7);
  }
  get dayofyear(): Series {
    return this.part((d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1);
  }
  get quarter(): Series {
    return this.part((d) => Math.floor(d.getUTCMonth() / 3) + 1);
  }
  /** The time at midnight of the same day. */
  normalize(): Series {
    return newSeries({ dtype: "datetime", values: this.v.map((t) => Math.floor(t / 86400000) * 86400000) }, this.s.name, this.s.index);
  }
  /** Formatted text; supports %Y %m %d %H %M %S. */
  strftime(fmt: string): Series {
    const strs = Array.from(this.v, (t) => {
      if (t !== t) return null;
      const iso = new Date(t).toISOString();
      return fmt.replace(
        /%([YmdHMS%])/g,
        (_, k: string) =>
          ({
            Y: iso.slice(0, 4),
            m: iso.slice(5, 7),
            d: iso.slice(8, 10),
            H: iso.slice(11, 13),
            M: iso.slice(14, 16),
            S: iso.slice(17, 19),
            "%": "%",
          })[k]!,
      );
    });
    return newSeries(encodeStrings(strs), this.s.name, this.s.index);
  }
  /** As text the way pandas prints dates. */
  toStrings(): Series {
    return newSeries(encodeStrings(Array.from(this.v, (t) => (t !== t ? null : formatDate(t)))), this.s.name, this.s.index);
  }
}
