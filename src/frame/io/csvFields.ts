// Reading single values straight from the characters of CSV text, without making substrings:
// numbers (exact fast path), ISO dates, and a dictionary of distinct strings found by hashing the
// characters in place. Used by csv.ts's column builders; browser-safe.

// ---------------------------------------------------------------- numbers from characters

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Set by parseNumber: the text was an integer literal. */
export let lastWasInt = false;

/**
 * The number written in text[s, e), or NaN when it is not a number. Exact (correctly rounded)
 * for up to 15 significant digits and exponents within 10^±22 (both operands exact, one rounding);
 * longer literals go through Number().
 */
export function parseNumber(t: string, s: number, e: number): number {
  while (s < e && t.charCodeAt(s) === 32) s++;
  while (e > s && t.charCodeAt(e - 1) === 32) e--;
  if (s === e) return NaN;
  let i = s,
    neg = false;
  let c = t.charCodeAt(i);
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  let mant = 0,
    digits = 0,
    scale = 0,
    any = false,
    isInt = true;
  while (i < e) {
    c = t.charCodeAt(i);
    if (c < 48 || c > 57) break;
    any = true;
    if (digits < 15) {
      mant = mant * 10 + (c - 48);
      if (mant !== 0) digits++;
    } else scale++;
    i++;
  }
  if (i < e && c === 46) {
    isInt = false;
    i++;
    while (i < e) {
      c = t.charCodeAt(i);
      if (c < 48 || c > 57) break;
      any = true;
      if (digits < 15) {
        mant = mant * 10 + (c - 48);
        scale--;
        if (mant !== 0) digits++;
      }
      i++;
    }
  }
  if (!any) return slowNumber(t, s, e);
  if (i < e && (c === 101 || c === 69)) {
    isInt = false;
    i++;
    let eneg = false,
      ex = 0,
      edig = 0;
    c = t.charCodeAt(i);
    if (c === 45 || c === 43) {
      eneg = c === 45;
      i++;
    }
    while (i < e) {
      c = t.charCodeAt(i);
      if (c < 48 || c > 57) break;
      ex = ex * 10 + (c - 48);
      edig++;
      i++;
    }
    if (!edig) return NaN;
    scale += eneg ? -ex : ex;
  }
  if (i !== e) return NaN;
  lastWasInt = isInt;
  if (digits >= 15 || scale > 22 || scale < -22) {
    const v = Number(t.slice(s, e));
    if (isInt && !Number.isSafeInteger(v)) lastWasInt = false; // beyond 2^53: kept as float64
    return v;
  }
  const v = scale >= 0 ? mant * POW10[scale]! : mant / POW10[-scale]!;
  return neg ? -v : v;
}

function slowNumber(t: string, s: number, e: number): number {
  const x = t.slice(s, e).toLowerCase();
  lastWasInt = false;
  if (x === "inf" || x === "+inf" || x === "infinity" || x === "+infinity") return Infinity;
  if (x === "-inf" || x === "-infinity") return -Infinity;
  return NaN;
}

// ---------------------------------------------------------------- text and dates from characters

/**
 * Dictionary of distinct strings keyed by the characters of a text range: a repeated value is
 * found by hashing and comparing characters in place, so only new values become JS strings.
 */
export class StringTable {
  dict: string[] = [];
  // open addressing; each slot holds [hash, code + 1] side by side (0: empty), so a probe reads one
  // place and only a matching hash touches the string. Small to start (one table per text
  // column; wide files have thousands), doubled as values come.
  private slots = new Int32Array(32);
  private hashes = new Int32Array(16);

  lookup(t: string, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ t.charCodeAt(i), 16777619);
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let p = h & mask;
    for (;;) {
      const k = slots[2 * p + 1]! - 1;
      if (k < 0) break;
      if (slots[2 * p] === h) {
        const d = this.dict[k]!;
        if (d.length === e - s) {
          let same = true;
          for (let i = 0; i < d.length; i++)
            if (d.charCodeAt(i) !== t.charCodeAt(s + i)) {
              same = false;
              break;
            }
          if (same) return k;
        }
      }
      p = (p + 1) & mask;
    }
    const k = this.dict.length;
    this.dict.push(t.slice(s, e));
    if (k === this.hashes.length) {
      const g = new Int32Array(2 * k);
      g.set(this.hashes);
      this.hashes = g;
    }
    this.hashes[k] = h;
    slots[2 * p] = h;
    slots[2 * p + 1] = k + 1;
    if ((k + 1) * 2 > mask + 1) this.rehash();
    return k;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = (slots.length >> 1) - 1;
    const hashes = this.hashes;
    for (let k = 0; k < this.dict.length; k++) {
      const h = hashes[k]!;
      let p = h & mask;
      while (slots[2 * p + 1] !== 0) p = (p + 1) & mask;
      slots[2 * p] = h;
      slots[2 * p + 1] = k + 1;
    }
    this.slots = slots;
  }
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digitAt(t: string, i: number): number {
  const c = t.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -100000;
}

/** "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" (or T) read from the characters; NaN for anything else. */
export function fastDate(t: string, s: number, e: number): number {
  const len = e - s;
  if (len !== 7 && len !== 10 && len !== 19) return NaN;
  if (t.charCodeAt(s + 4) !== 45) return NaN;
  const y = digitAt(t, s + 0) * 1000 + digitAt(t, s + 1) * 100 + digitAt(t, s + 2) * 10 + digitAt(t, s + 3);
  const m = digitAt(t, s + 5) * 10 + digitAt(t, s + 6);
  if (y < 0 || m < 1 || m > 12) return NaN;
  if (len === 7) return daysFromCivil(y, m, 1) * 86400000;
  if (t.charCodeAt(s + 7) !== 45) return NaN;
  const d = digitAt(t, s + 8) * 10 + digitAt(t, s + 9);
  if (d < 1 || d > DAYS_IN_MONTH[m - 1]! || (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)))) return NaN;
  const day = daysFromCivil(y, m, d) * 86400000;
  if (len === 10) return day;
  const sp = t.charCodeAt(s + 10);
  if ((sp !== 32 && sp !== 84) || t.charCodeAt(s + 13) !== 58 || t.charCodeAt(s + 16) !== 58) return NaN;
  const hh = digitAt(t, s + 11) * 10 + digitAt(t, s + 12),
    mi = digitAt(t, s + 14) * 10 + digitAt(t, s + 15),
    ss = digitAt(t, s + 17) * 10 + digitAt(t, s + 18);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return NaN;
  return day + ((hh * 60 + mi) * 60 + ss) * 1000;
}
