// Reading single values straight from the characters of CSV text, without making substrings:
// ISO dates and a dictionary of distinct strings found by hashing the
// characters in place. Used by csv.ts's column builders; browser-safe.

// TextDecoder exists in every browser and in Node; declared here so the build needs no DOM types.
declare const TextDecoder: new (label?: string, opts?: { ignoreBOM?: boolean }) => { decode(b?: Uint8Array): string };

// ---------------------------------------------------------------- numbers from characters

/** 10^0 ... 10^22, each exact in float64. */
export const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);

// ---------------------------------------------------------------- text and dates from characters

/** A copy of `a` with room for `cap` (>= a.length) elements, the new ones 0. */
export function grown<A extends Uint8Array | Int32Array | Uint32Array | Float64Array>(a: A, cap: number): A {
  const g = new (a.constructor as new (n: number) => A)(cap);
  g.set(a);
  return g;
}

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
  /** Per value: where its bytes start in keys (-1: added from text), and its length. */
  private starts = new Int32Array(16);
  private lens = new Int32Array(16);
  /** The bytes of the values lookupRun added, one after another. */
  private keys = new Uint8Array(64);
  private keysLen = 0;
  /** Values the table added (the dictionary's first entries; its owner may append more). */
  private added = 0;
  /** The free slot where findBytes stopped. */
  private probe = 0;
  /** lookupRun's index of values of at most 8 bytes: per slot [bytes 0-3, bytes 4-7, length (0: empty), code]. */
  private short = new Int32Array(64);
  /** lookupRun's view of its input. */
  private view: DataView | null = null;
  private shortN = 0;

  lookup(t: string, s: number, e: number): number {
    const h = hashText(t, s, e);
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
    return this.add(t.slice(s, e), h, p, -1);
  }

  /**
   * The codes of a run of a block's fields of ASCII input, hashed and compared as bytes against
   * a copy of each value's bytes kept together in the table (one cache-friendly place, not the
   * scattered first occurrences; a new value becomes a string of its own, asciiString): field r (from 0) is b[se[o + r step], se[o + r step
   * + 1]) and its code goes to codes[n + r]. Stops before the first empty field, or one whose first byte starts an NA
   * marker (naFirst) and that is no longer than naMaxLen; returns the fields taken.
   */
  lookupRun(
    b: Uint8Array,
    se: Int32Array,
    o: number,
    step: number,
    count: number,
    codes: Int32Array,
    n: number,
    naFirst: Uint8Array,
    naMaxLen: number,
  ): number {
    const view = (this.view = viewOf(this.view, b));
    let r = 0;
    for (; r < count; r++, o += step) {
      const s = se[o]!,
        e = se[o + 1]!,
        len = e - s;
      if (len === 0 || (len <= naMaxLen && naFirst[b[s]!] === 1)) break;
      let lo = 0,
        hi = 0,
        q = 0;
      // a short value is found by its bytes packed in two ints (no byte loop to compare): two
      // 4-byte loads, shifted up and back down (ASCII: the top bit is clear) to drop the bytes
      // past the value; one within 8 bytes of the input's end goes the long way
      const isShort = len <= 8 && s + 8 <= b.length;
      if (isShort) {
        const sl = Math.max(0, 4 - len) << 3,
          sh = (8 - len) << 3;
        lo = (view.getInt32(s, true) << sl) >> sl;
        if (len > 4) hi = (view.getInt32(s + 4, true) << sh) >> sh;
        q = shortHash(lo, hi, len);
        const sm = (this.short.length >> 2) - 1,
          short = this.short;
        let p = q & sm,
          k = -1;
        for (;;) {
          const at = 4 * p;
          const l = short[at + 2]!;
          if (l === 0) break;
          if (l === len && short[at] === lo && short[at + 1] === hi) {
            k = short[at + 3]!;
            break;
          }
          p = (p + 1) & sm;
        }
        if (k >= 0) {
          codes[n + r] = k;
          continue;
        }
      }
      const h = hashBytes(b, s, e);
      let k = this.findBytes(b, s, e, h);
      if (k < 0) k = this.insertBytes(b, s, e, h);
      if (isShort) this.addShort(lo, hi, len, q, k);
      codes[n + r] = k;
    }
    return r;
  }

  /** Index the short value (packed lo, hi; its length; mixed hash q) under code k, for lookupRun. */
  private addShort(lo: number, hi: number, len: number, q: number, k: number): void {
    if (2 * (this.shortN + 1) > this.short.length >> 2) {
      const old = this.short;
      this.short = new Int32Array(2 * old.length);
      this.shortN = 0;
      for (let at = 0; at < old.length; at += 4)
        if (old[at + 2] !== 0) {
          const l = old[at + 2]!;
          this.putShort(old[at]!, old[at + 1]!, l, shortHash(old[at]!, old[at + 1]!, l), old[at + 3]!);
        }
    }
    this.putShort(lo, hi, len, q, k);
  }

  private putShort(lo: number, hi: number, len: number, q: number, k: number): void {
    const short = this.short,
      sm = (short.length >> 2) - 1;
    let p = q & sm;
    while (short[4 * p + 2] !== 0) p = (p + 1) & sm;
    short[4 * p] = lo;
    short[4 * p + 1] = hi;
    short[4 * p + 2] = len;
    short[4 * p + 3] = k;
    this.shortN++;
  }

  /** The code of the value at bytes b[s, e) whose hashBytes is h, or -1 when the table lacks it (insertBytes then adds it). */
  findBytes(b: Uint8Array, s: number, e: number, h: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const n = e - s;
    let p = h & mask;
    for (;;) {
      const k = slots[2 * p + 1]! - 1;
      if (k < 0) break;
      if (slots[2 * p] === h && this.lens[k] === n) {
        const at = this.starts[k]!;
        let same = true;
        if (at >= 0) {
          const keys = this.keys;
          for (let i = 0; i < n; i++)
            if (keys[at + i] !== b[s + i]) {
              same = false;
              break;
            }
        } else {
          const d = this.dict[k]!;
          for (let i = 0; i < n; i++)
            if (d.charCodeAt(i) !== b[s + i]) {
              same = false;
              break;
            }
        }
        if (same) return k;
      }
      p = (p + 1) & mask;
    }
    this.probe = p;
    return -1;
  }

  /** Add the value at bytes b[s, e) (hash h) that findBytes just failed to find. */
  insertBytes(b: Uint8Array, s: number, e: number, h: number): number {
    const n = e - s;
    const at = this.room(n);
    const keys = this.keys;
    for (let i = 0; i < n; i++) keys[at + i] = b[s + i]!;
    this.keysLen = at + n;
    return this.add(asciiString(b, s, e), h, this.probe, at);
  }

  /**
   * Let the dictionary go of the input text, for a table filled from ASCII input: each value long
   * enough for V8 to keep it as a slice of the whole input (13 characters or more) becomes a
   * slice of one string decoded from the table's own copy of the values' bytes (values the text
   * path added, such as a column's first value, are copied there first). Called once the column
   * is read; a single such value would otherwise keep the whole input alive.
   */
  detach(): void {
    const dict = this.dict,
      starts = this.starts,
      lens = this.lens;
    const n = Math.min(dict.length, this.added);
    let any = false;
    for (let k = 0; k < n && !any; k++) any = lens[k]! >= 13;
    if (!any) return;
    for (let k = 0; k < n; k++) {
      const d = dict[k]!;
      if (starts[k]! >= 0 || d.length < 13) continue;
      // a value of ASCII input, added as text: its characters are its bytes
      const at = this.room(d.length);
      for (let i = 0; i < d.length; i++) this.keys[at + i] = d.charCodeAt(i);
      this.keysLen = at + d.length;
      starts[k] = at;
    }
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(this.keys.subarray(0, this.keysLen));
    for (let k = 0; k < n; k++) if (lens[k]! >= 13) dict[k] = text.slice(starts[k], starts[k]! + lens[k]!);
  }

  /** Where n more bytes go in keys (made room for). */
  private room(n: number): number {
    const at = this.keysLen;
    if (at + n > this.keys.length) this.keys = grown(this.keys, Math.max(2 * this.keys.length, at + n));
    return at;
  }

  /** Distinct values so far. */
  get size(): number {
    return this.dict.length;
  }

  /** A new value at free slot p; `at`: where its bytes start in keys (-1: added from text). */
  private add(value: string, h: number, p: number, at: number): number {
    const k = this.dict.length;
    this.dict.push(value);
    this.added = k + 1;
    if (k === this.hashes.length) {
      this.hashes = grown(this.hashes, 2 * k);
      this.starts = grown(this.starts, 2 * k);
      this.lens = grown(this.lens, 2 * k);
    }
    this.hashes[k] = h;
    this.starts[k] = at;
    this.lens[k] = value.length;
    const slots = this.slots;
    slots[2 * p] = h;
    slots[2 * p + 1] = k + 1;
    if ((k + 1) * 2 > slots.length >> 1) this.rehash(slots.length);
    return k;
  }

  /** Rebuild the slots with room for `cap` (a power of two) entries. */
  private rehash(cap: number): void {
    const slots = new Int32Array(cap * 2);
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

/** The hash of a value of at most 8 bytes packed as lo (bytes 0-3), hi (bytes 4-7) and its length: lookupRun's short index. */
function shortHash(lo: number, hi: number, len: number): number {
  const q = Math.imul(lo ^ Math.imul(hi ^ len, 0x9e3779b1), 0x85ebca6b);
  return q ^ (q >>> 15);
}

const asciiDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The ASCII bytes b[s, e) as a string of their own (not a slice of a larger one). */
export function asciiString(b: Uint8Array, s: number, e: number): string {
  return e - s <= 64 ? String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]) : asciiDecoder.decode(b.subarray(s, e));
}

// Every table and grouping of the reader hashes values alike: 4 characters (bytes) at a time,
// then one by one, then a final mix (its low bits pick slots, its top bits partitions). A chain of
// one multiply per 4 bytes: hashing the 1M timestamps of a file this way is ~half the time of a
// multiply per byte (FNV-1a).
const mix4 = (h: number, k: number): number => {
  h = Math.imul(h ^ k, 0x9e3779b1);
  return h ^ (h >>> 15);
};
const mix1 = (h: number, c: number): number => Math.imul(h ^ c, 0x85ebca6b);
const mixEnd = (h: number): number => {
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
};

/** The hash of the characters t[s, e) (codes past 0xff mix less well; ASCII text hashes as its bytes). */
function hashText(t: string, s: number, e: number): number {
  let h = e - s,
    i = s;
  for (; i + 4 <= e; i += 4)
    h = mix4(h, t.charCodeAt(i) | (t.charCodeAt(i + 1) << 8) | (t.charCodeAt(i + 2) << 16) | (t.charCodeAt(i + 3) << 24));
  for (; i < e; i++) h = mix1(h, t.charCodeAt(i));
  return mixEnd(h);
}

/** v when it views exactly the bytes a, else a new view of them (the scan path reads one field a call). */
export function viewOf(v: DataView | null, a: Uint8Array): DataView {
  return v?.buffer === a.buffer && v.byteOffset === a.byteOffset && v.byteLength === a.length
    ? v
    : new DataView(a.buffer, a.byteOffset, a.length);
}

/** The hash of the bytes b[s, e): for ASCII the one StringTable.lookup gives the characters. */
export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = e - s,
    i = s;
  for (; i + 4 <= e; i += 4) h = mix4(h, b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
  for (; i < e; i++) h = mix1(h, b[i]!);
  return mixEnd(h);
}

/** hashBytes of the bytes [s, e) of `from`, copying them to `to` at w in the same pass (DataViews: 4 bytes a load). */
export function hashBytesInto(from: DataView, s: number, e: number, to: DataView, w: number): number {
  let h = e - s,
    i = s;
  for (; i + 4 <= e; i += 4, w += 4) {
    const k = from.getInt32(i, true);
    to.setInt32(w, k, true);
    h = mix4(h, k);
  }
  for (; i < e; i++, w++) {
    const c = from.getUint8(i);
    to.setUint8(w, c);
    h = mix1(h, c);
  }
  return mixEnd(h);
}

/**
 * Group equal values among `count` byte ranges b[starts[i], ends[i]) with hashes[i] (hashBytes),
 * without one big hash table: the values are first split by the top bits of their hash into
 * parts of a few thousand, each deduplicated with a small table that stays in cache. Returns
 * rep: rep[i] is the first i' <= i holding the same value (rep[i] === i for a first occurrence).
 */
export function groupByBytes(b: Uint8Array, count: number, starts: Int32Array, ends: Int32Array, hashes: Int32Array): Int32Array {
  const rep = new Int32Array(count);
  let bits = 0;
  while (bits < 12 && count >> (bits + 12) > 0) bits++;
  const parts = 1 << bits;
  // a stable scatter by the top bits: each part keeps its values in order
  const partOf = (h: number): number => (bits === 0 ? 0 : h >>> (32 - bits));
  const firstOf = new Int32Array(parts + 1);
  for (let i = 0; i < count; i++) firstOf[partOf(hashes[i]!) + 1]!++;
  let largest = 0;
  for (let q = 0; q < parts; q++) {
    largest = Math.max(largest, firstOf[q + 1]!);
    firstOf[q + 1]! += firstOf[q]!;
  }
  // each value's index and hash are scattered, so a part's hashes are read in sequence; its
  // offsets are looked up only on an equal hash (mostly distinct values: rarely)
  const oi = new Int32Array(count),
    oh = new Int32Array(count);
  const fill = firstOf.slice(0, parts);
  for (let i = 0; i < count; i++) {
    const h = hashes[i]!;
    const o = fill[partOf(h)]!++;
    oi[o] = i;
    oh[o] = h;
  }
  let cap = 16;
  while (cap < 2 * largest) cap *= 2;
  const slots = new Int32Array(cap);
  for (let q = 0; q < parts; q++) {
    const from = firstOf[q]!,
      to = firstOf[q + 1]!;
    let size = 16;
    while (size < 2 * (to - from)) size *= 2;
    const mask = size - 1;
    slots.fill(0, 0, size);
    for (let o = from; o < to; o++) {
      const h = oh[o]!,
        i = oi[o]!;
      let p = h & mask,
        found = -1;
      for (;;) {
        const k = slots[p]! - 1;
        if (k < 0) break;
        if (oh[k] === h) {
          const ik = oi[k]!,
            s = starts[i]!,
            n = ends[i]! - s,
            sk = starts[ik]!;
          let same = ends[ik]! - sk === n;
          for (let x = 0; x < n && same; x++) same = b[sk + x] === b[s + x];
          if (same) {
            found = ik;
            break;
          }
        }
        p = (p + 1) & mask;
      }
      if (found >= 0) rep[i] = found;
      else {
        rep[i] = i;
        slots[p] = o + 1;
      }
    }
  }
  return rep;
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

/** Room for a short field's characters as bytes (asciiAt), so text fields share the byte readers. */
export const scratch = new Uint8Array(32);

/** Copy the ASCII characters t[s, e) (at most 32) to scratch from 0; false when one is not ASCII. */
export function asciiAt(t: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = t.charCodeAt(i);
    if (c > 127) return false;
    scratch[i - s] = c;
  }
  return true;
}

/** "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" (or T) read from the characters (as fastDateBytes); NaN for anything else. */
export function fastDate(t: string, s: number, e: number): number {
  const len = e - s;
  return (len === 7 || len === 10 || len === 19) && asciiAt(t, s, e) ? fastDateBytes(scratch, 0, len) : NaN;
}

function digitAtBytes(b: Uint8Array, i: number): number {
  const c = b[i]! - 48;
  return c >= 0 && c <= 9 ? c : -100000;
}

/** "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" (or T) read from the bytes b[s, e) of ASCII text; NaN for anything else. */
export function fastDateBytes(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len !== 7 && len !== 10 && len !== 19) return NaN;
  if (b[s + 4] !== 45) return NaN;
  const y = digitAtBytes(b, s) * 1000 + digitAtBytes(b, s + 1) * 100 + digitAtBytes(b, s + 2) * 10 + digitAtBytes(b, s + 3);
  const m = digitAtBytes(b, s + 5) * 10 + digitAtBytes(b, s + 6);
  if (y < 0 || m < 1 || m > 12) return NaN;
  if (len === 7) return daysFromCivil(y, m, 1) * 86400000;
  if (b[s + 7] !== 45) return NaN;
  const d = digitAtBytes(b, s + 8) * 10 + digitAtBytes(b, s + 9);
  if (d < 1 || d > DAYS_IN_MONTH[m - 1]! || (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)))) return NaN;
  const day = daysFromCivil(y, m, d) * 86400000;
  if (len === 10) return day;
  const sp = b[s + 10];
  if ((sp !== 32 && sp !== 84) || b[s + 13] !== 58 || b[s + 16] !== 58) return NaN;
  const hh = digitAtBytes(b, s + 11) * 10 + digitAtBytes(b, s + 12),
    mi = digitAtBytes(b, s + 14) * 10 + digitAtBytes(b, s + 15),
    ss = digitAtBytes(b, s + 17) * 10 + digitAtBytes(b, s + 18);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return NaN;
  return day + ((hh * 60 + mi) * 60 + ss) * 1000;
}
