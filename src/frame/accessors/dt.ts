// series.dt: calendar parts of a datetime column (timezone-naive, read as UTC). Parts of a
// missing time are missing, which makes the result float64 as in pandas.

import { floatCol, intCol, quote, formatDate, encodeStrings, type FloatColumn } from "../column.js";
import { FrameError } from "../errors.js";
import type { Series } from "../series.js";
import { newSeries } from "../frames.js";

/** Milliseconds in each fixed frequency unit pandas 1.5 accepts (upper and lower case as its aliases). */
const UNIT_MS: Record<string, number> = { D: 864e5, d: 864e5, H: 36e5, h: 36e5, T: 6e4, min: 6e4, Min: 6e4, S: 1e3, s: 1e3, L: 1, ms: 1 };

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
  /**
   * Down to a multiple of a fixed frequency counted from 1970-01-01, as pd.Series.dt.floor(freq):
   * "D", "H", "T"/"min", "S", "L"/"ms", with a multiple ("15T", "2D", "1.5H").
   */
  floor(freq: string): Series {
    return this.snap("floor", freq);
  }
  /** Up to a multiple of a fixed frequency, as pd.Series.dt.ceil(freq) (frequencies as floor). */
  ceil(freq: string): Series {
    return this.snap("ceil", freq);
  }
  /** To the nearest multiple of a fixed frequency, halves to the even multiple, as pd.Series.dt.round(freq). */
  round(freq: string): Series {
    return this.snap("round", freq);
  }
  private snap(op: "floor" | "ceil" | "round", freq: string): Series {
    const m = /^(\d*\.?\d*)([A-Za-z]+)$/.exec(freq);
    const u = m ? (m[1] ? Number(m[1]) : 1) * (UNIT_MS[m[2]!] as number) : NaN;
    if (!(u >= 1 && Number.isInteger(u)))
      throw new FrameError(
        `dt.${op}: freq ${JSON.stringify(freq)} is not a fixed frequency of whole milliseconds. Pass a positive multiple of D, H, T/min, S or L/ms such as "15T" (months, weeks and years vary in length: pandas refuses them too).`,
      );
    const values = this.v.map((t) => {
      const r = ((t % u) + u) % u,
        f = t - r;
      return op === "floor" || r === 0 ? f : op === "ceil" || 2 * r > u || (2 * r === u && (f / u) % 2 !== 0) ? f + u : f;
    });
    return newSeries({ dtype: "datetime", values }, this.s.name, this.s.index);
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
