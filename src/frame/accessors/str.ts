// series.str: string methods computed once per distinct value (the dictionary), then mapped to
// rows through the codes, so a million rows of 20 distinct values cost 20 calls.

import { type Column, type StrColumn, boolCol, floatCol, intCol, isStringLike, quote, strCol, encodeStrings } from "../column.js";
import { FrameError, oneOf } from "../errors.js";
import type { Series } from "../series.js";
import type { DataFrame } from "../table.js";
import { frameClass, seriesClass, newSeries } from "../frames.js";

export class StringAccessor {
  private readonly c: StrColumn;
  constructor(private readonly s: Series) {
    if (!isStringLike(s.col))
      throw new FrameError(
        `str: column ${quote(s.name)} is ${s.col.dtype}; the str accessor needs a string column. Convert with astype("string") first.`,
      );
    this.c = s.col;
  }
  private mapStr(fn: (v: string) => string): Series {
    const dict = this.c.dict.map(fn);
    // re-encode so the dictionary stays free of duplicates ("A" and "a" both lower to "a")
    const uniq = encodeStrings(dict);
    const codes = this.c.codes.map((k) => (k < 0 ? -1 : uniq.codes[k]!));
    return this.out(strCol(codes, uniq.dict));
  }
  private mapBool(fn: (v: string) => boolean): Series {
    const table = Uint8Array.from(this.c.dict, (v) => (fn(v) ? 1 : 0));
    const valid = Uint8Array.from(this.c.codes, (k) => (k < 0 ? 0 : 1));
    return this.out(
      boolCol(
        Uint8Array.from(this.c.codes, (k) => (k < 0 ? 0 : table[k]!)),
        valid,
      ),
    );
  }
  private mapNum(fn: (v: string) => number): Series {
    const table = Float64Array.from(this.c.dict, fn);
    const vals = Float64Array.from(this.c.codes, (k) => (k < 0 ? NaN : table[k]!));
    return this.out(vals.some((x) => x !== x) ? floatCol(vals) : intCol(vals));
  }
  private out(col: Column): Series {
    return newSeries(col, this.s.name, this.s.index);
  }

  lower(): Series {
    return this.mapStr((v) => v.toLowerCase());
  }
  upper(): Series {
    return this.mapStr((v) => v.toUpperCase());
  }
  /** Python's str.title: a letter after a cased letter is lower case, any other letter title case ("Straße", "ǅz", "1X"). */
  title(): Series {
    return this.mapStr((v) => {
      let out = "",
        prev = false;
      for (const ch of v) {
        out += prev ? ch.toLowerCase() : titleCase(ch);
        prev = CASED.test(ch);
      }
      return out;
    });
  }
  /** Python's str.capitalize: the first character in title case, the rest lower case. */
  capitalize(): Series {
    return this.mapStr((v) => {
      const [first = "", ...rest] = v;
      return titleCase(first) + rest.join("").toLowerCase();
    });
  }
  /** Remove whitespace (or the given characters) at both ends. */
  strip(chars?: string): Series {
    return this.mapStr((v) => stripChars(v, chars, true, true));
  }
  lstrip(chars?: string): Series {
    return this.mapStr((v) => stripChars(v, chars, true, false));
  }
  rstrip(chars?: string): Series {
    return this.mapStr((v) => stripChars(v, chars, false, true));
  }
  /** Length in characters (missing stays missing, so the result is float64 then, as pandas). */
  len(): Series {
    return this.mapNum((v) => [...v].length);
  }
  /**
   * Whether each value contains the pattern, as pd.Series.str.contains (pandas 1.5 defaults): a
   * string pattern is a regular expression unless `regex: false` (literal text, so "a.c" or "x|y"
   * match only those characters); `case: false` ignores case; `na` is the result for missing
   * values (default: missing, pandas' NaN; give false or true for a plain bool Series). A RegExp is
   * used as given. Patterns are JavaScript regular expressions: Python-only syntax such as
   * `(?P<name>...)`, `(?i)` or `\Z` is refused or means something else.
   * @example
   * iris.col("Species").str.contains("^v.*a$").sum() // 50
   */
  contains(pat: string | RegExp, opts: { case?: boolean; regex?: boolean; na?: boolean | null } = {}): Series {
    const re = toRegExp(pat, opts.regex ?? true, opts.case ?? true);
    const out = this.mapBool((v) => re.test(v));
    if (opts.na === undefined || opts.na === null) return out;
    const na = opts.na ? 1 : 0;
    const c = out.col as { values: Uint8Array };
    return this.out(boolCol(Uint8Array.from(this.c.codes, (k, i) => (k < 0 ? na : c.values[i]!))));
  }
  startsWith(prefix: string): Series {
    return this.mapBool((v) => v.startsWith(prefix));
  }
  endsWith(suffix: string): Series {
    return this.mapBool((v) => v.endsWith(suffix));
  }
  /**
   * Replace every occurrence; a string pattern is literal unless regex: true (then `repl` may use
   * JavaScript's $1 / $& group references; literal patterns insert `repl` as it is).
   */
  replace(pat: string | RegExp, repl: string, opts: { regex?: boolean; case?: boolean } = {}): Series {
    const literal = !(pat instanceof RegExp) && !(opts.regex ?? false);
    const re = toRegExp(pat, !literal, opts.case ?? true, true);
    return this.mapStr(literal ? (v) => v.replace(re, () => repl) : (v) => v.replace(re, repl));
  }
  /** Characters [start, end), as Python slicing (negative counts from the end; characters are code points, so an emoji is one). */
  slice(start?: number, end?: number): Series {
    return this.mapStr((v) => (SURROGATE.test(v) ? [...v].slice(start, end).join("") : v.slice(start, end)));
  }
  /** The i-th character, a code point (missing when out of range). */
  get(i: number): Series {
    const at = (v: string) => {
      const cs = SURROGATE.test(v) ? [...v] : v;
      return (i < 0 ? cs[cs.length + i] : cs[i]) ?? null;
    };
    const dict = this.c.dict.map(at);
    const codes = this.c.codes.map((k) => (k < 0 || dict[k] === null ? -1 : k));
    return this.out(encodeStrings(Array.from(codes, (k) => (k < 0 ? null : dict[k]!))));
  }
  /**
   * Split on `sep` (whitespace when omitted) into columns 0, 1, ... (pandas' expand=True); at most
   * n splits when n is given. Rows with fewer parts get missing cells.
   */
  split(sep?: string, opts: { n?: number } = {}): DataFrame {
    const n = opts.n ?? -1;
    const parts = this.c.dict.map((v) => splitPython(v, sep, n));
    // every row missing still gives one column of missing values, as pandas
    const width = parts.reduce((m, p) => Math.max(m, p.length), this.c.codes.length > 0 ? 1 : 0);
    const cols: Record<string, (string | null)[]> = {};
    for (let j = 0; j < width; j++) cols[String(j)] = Array.from(this.c.codes, (k) => (k < 0 ? null : (parts[k]![j] ?? null)));
    return new (frameClass())(cols, { index: this.s.index });
  }
  /**
   * Padded with `fillchar` (one character, default " ") to `width` code points on the "left"
   * (default), "right" or "both" sides, as pd.Series.str.pad(width, side, fillchar); longer
   * values stay as they are; "both" puts the odd character where Python's str.center does.
   */
  pad(width: number, opts: { side?: "left" | "right" | "both"; fillchar?: string } = {}): Series {
    const { side = "left", fillchar = " " } = opts;
    checkWidth("str.pad", width);
    if (typeof fillchar !== "string" || [...fillchar].length !== 1)
      throw new FrameError(
        `str.pad: fillchar is ${JSON.stringify(fillchar)}, but it must be one character. Pass a single character such as "0".`,
      );
    oneOf("str.pad", "side", side, ["left", "right", "both"]);
    return this.mapStr((v) => {
      const m = width - [...v].length;
      if (m <= 0) return v;
      // Python's str.center: the extra character goes left when both m and width are odd
      const l = side === "left" ? m : side === "right" ? 0 : (m >> 1) + (m & width & 1);
      return fillchar.repeat(l) + v + fillchar.repeat(m - l);
    });
  }
  /** Centred in `width` characters, as pd.Series.str.center(width, fillchar) (pad with side "both"). */
  center(width: number, fillchar = " "): Series {
    return this.pad(width, { side: "both", fillchar });
  }
  /** Left-justified (padded on the right) to `width`, as pd.Series.str.ljust(width, fillchar). */
  ljust(width: number, fillchar = " "): Series {
    return this.pad(width, { side: "right", fillchar });
  }
  /** Right-justified (padded on the left) to `width`, as pd.Series.str.rjust(width, fillchar). */
  rjust(width: number, fillchar = " "): Series {
    return this.pad(width, { side: "left", fillchar });
  }
  /** Zeros on the left to `width`, after a leading "+" or "-", as pd.Series.str.zfill (Python's str.zfill). */
  zfill(width: number): Series {
    checkWidth("str.zfill", width);
    return this.mapStr((v) => {
      const m = width - [...v].length,
        sign = v[0] === "+" || v[0] === "-" ? v[0] : "";
      return m <= 0 ? v : sign + "0".repeat(m) + v.slice(sign.length);
    });
  }
  /** Join with another string Series (aligned by label) or a string, as `+`; missing where either is missing; named as this Series, as pandas. */
  cat(other: Series | string, sep = ""): Series {
    return (other instanceof seriesClass() ? this.s.add(sep).add(other) : this.s.add(sep + other)).rename(this.s.name);
  }
}

const checkWidth = (op: string, width: number) => {
  if (!Number.isInteger(width))
    throw new FrameError(`${op}: width is ${String(width)}, but it must be an integer (as pandas). Pass a whole number.`);
};
const SURROGATE = /[\uD800-\uDFFF]/;
const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;
/** Title case of one character, as Python: the digraphs have their own title letter (ǅ), ß is "Ss". */
// each digraph in its three forms (upper, title, lower): its title case is the middle one
const DIGRAPHS = "ǄǅǆǇǈǉǊǋǌǱǲǳ";
const titleCase = (ch: string) => {
  const k = ch ? DIGRAPHS.indexOf(ch) : -1;
  return k >= 0 ? DIGRAPHS[k - (k % 3) + 1]! : ch === "ß" ? "Ss" : ch.toUpperCase();
};

function stripChars(v: string, chars: string | undefined, left: boolean, right: boolean): string {
  if (chars === undefined) return left && right ? v.trim() : left ? v.trimStart() : v.trimEnd();
  let a = 0,
    b = v.length;
  if (left) while (a < b && chars.includes(v[a]!)) a++;
  if (right) while (b > a && chars.includes(v[b - 1]!)) b--;
  return v.slice(a, b);
}

function toRegExp(pat: string | RegExp, regex: boolean, caseSensitive: boolean, global = false): RegExp {
  const flags = (caseSensitive ? "" : "i") + (global ? "g" : "");
  // a test is one match per value: "g"/"y" would make RegExp.test stateful between values
  if (pat instanceof RegExp)
    return new RegExp(pat.source, [...new Set((global ? pat.flags : pat.flags.replace(/[gy]/g, "")) + flags)].join(""));
  // "u": characters are code points as in Python's re ("." takes a whole emoji); a pattern only
  // JavaScript's older syntax accepts (an escaped "-" or "}" outside a class) still compiles without
  if (!regex) return new RegExp(pat.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), flags + "u");
  try {
    return new RegExp(pat, flags + "u");
  } catch {
    // not valid with "u": try the older syntax before refusing
  }
  try {
    return new RegExp(pat, flags);
  } catch (e) {
    throw new FrameError(
      `str: ${JSON.stringify(pat)} is not a valid regular expression (${(e as Error).message}). Pass regex: false to match the text literally.`,
    );
  }
}

/** Python's str.split(sep, maxsplit). */
function splitPython(v: string, sep: string | undefined, n: number): string[] {
  if (sep === undefined) {
    const words = v
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "");
    if (n < 0 || words.length <= n + 1) return words;
    const head = words.slice(0, n);
    let rest = v.trimStart();
    for (const w of head) rest = rest.slice(rest.indexOf(w) + w.length).trimStart();
    return [...head, rest];
  }
  if (sep === "") throw new FrameError(`str.split: empty separator. Pass a non-empty string, or omit it to split on whitespace.`);
  const all = v.split(sep);
  return n < 0 || all.length <= n + 1 ? all : [...all.slice(0, n), all.slice(n).join(sep)];
}
