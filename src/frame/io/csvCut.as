// AssemblyScript source of csvCutWasm.ts's module (compiled by csvCutWasm.test.ts; UPDATE=1 writes
// the new binary). cut() is csv.ts's cutBlock over linear memory, 16 bytes per step: the input's
// bytes sit at offset 0, `se` receives each field's start and end (i32, row-major, nb per row).
// Records of exactly nb unquoted fields on one line are cut; it stops before any other record
// (a field opening with a quote, a line starting with a space, tab, line end or comment, another
// field count) and returns the records cut; cutEnd() is then the offset after the last one.

let end: i32 = 0;

export function cutEnd(): i32 {
  return end;
}

@inline function startsOther(c: i32, quote: i32, comment: i32): bool {
  return c == quote || c == 32 || c == 9 || c == 10 || c == 13 || c == comment;
}

// bit k set where byte k of the 16 at `at` ends a field (the separator, \n or \r)
@inline function ends(at: i32, vs: v128): u32 {
  const v = v128.load(at);
  return <u32>i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, vs), i8x16.eq(v, i8x16.splat(10))), i8x16.eq(v, i8x16.splat(13))));
}

// (reads up to 15 bytes past `to`: the caller leaves them in memory; what they hold is ignored)
export function cut(i: i32, to: i32, nb: i32, maxRows: i32, sep: i32, quote: i32, comment: i32, se: i32): i32 {
  let rows = 0;
  end = i;
  if (maxRows <= 0 || i >= to || startsOther(<i32>load<u8>(i), quote, comment)) return 0;
  const vs = i8x16.splat(<i8>sep);
  let j = 0,
    o = se,
    base = i & ~15,
    m: u32 = ends(base, vs) & (<u32>0xffff << <u32>(i - base));
  store<i32>(o, i);
  while (true) {
    while (m == 0) {
      base += 16;
      if (base >= to) break;
      m = ends(base, vs);
    }
    const p = base + <i32>ctz(m);
    if (m == 0 || p >= to) {
      // the input ends inside this field: a record if it is the row's last
      store<i32>(o, to, 4);
      if (j + 1 == nb) {
        rows++;
        end = to;
      }
      return rows;
    }
    m &= m - 1;
    store<i32>(o, p, 4);
    o += 8;
    j++;
    const c = <i32>load<u8>(p);
    let k = p + 1;
    if (c == sep) {
      if (j == nb || (k < to && <i32>load<u8>(k) == quote)) return rows;
      store<i32>(o, k);
      continue;
    }
    if (j != nb) return rows;
    if (c == 13 && k < to && <i32>load<u8>(k) == 10) {
      k++;
      // the \n's own bit, when it is in this step's 16 bytes
      if (k - base <= 16) m &= m - 1;
    }
    rows++;
    end = k;
    if (rows == maxRows || k >= to || startsOther(<i32>load<u8>(k), quote, comment)) return rows;
    j = 0;
    store<i32>(o, k);
    if (k - base >= 16) {
      base = k & ~15;
      m = ends(base, vs) & (<u32>0xffff << <u32>(k - base));
    }
  }
  return rows;
}

// 1 when every byte of [0, to) is below 0x80 (the reader then cuts them as ASCII), else 0
export function ascii(to: i32): i32 {
  let acc = i8x16.splat(0),
    tail = 0,
    i = 0;
  for (; i + 64 <= to; i += 64)
    acc = v128.or(acc, v128.or(v128.or(v128.load(i), v128.load(i, 16)), v128.or(v128.load(i, 32), v128.load(i, 48))));
  for (; i + 16 <= to; i += 16) acc = v128.or(acc, v128.load(i));
  for (; i < to; i++) tail |= <i32>load<u8>(i);
  return i32((i8x16.bitmask(acc) | (tail & 0x80)) == 0);
}

// The common number literal, [-]digits[.digits] of at most 15 characters (exact in an f64), of
// fields r = 0 .. count-1 of a block (start and end at se + 4 (o + r step)), to out + 8 r, up to
// the first field that is anything else or, when !isFloat, has a decimal point (the reader then
// reads that field its own way): returns how many it read. pow10: 10^0 .. 10^15 as f64. The same
// arithmetic as csv.ts's loop (the digits exact, one correctly rounded division), so the same values.
export function numbers(se: i32, o: i32, step: i32, count: i32, isFloat: i32, out: i32, pow10: i32): i32 {
  for (let r = 0; r < count; r++) {
    const at = se + ((o + r * step) << 2),
      s = load<i32>(at),
      e = load<i32>(at, 4);
    let v = NaN;
    if (s != e && e - s < 16) {
      let i = s,
        m: i64 = 0,
        dot = -1;
      const neg = <i32>load<u8>(i) == 45;
      if (neg) i++;
      for (; i < e; i++) {
        const c = <i32>load<u8>(i);
        if (c >= 48 && c <= 57) m = m * 10 + <i64>(c - 48);
        else if (c == 46 && dot < 0) dot = i;
        else break;
      }
      if (i == e && e - s > <i32>neg + <i32>(dot >= 0)) {
        const x = <f64>m;
        if (dot < 0) v = neg ? -x : x;
        else if (isFloat) {
          const q = x / load<f64>(pow10 + ((e - dot - 1) << 3));
          v = neg ? -q : q;
        }
      }
    }
    if (isNaN(v)) return r;
    store<f64>(out + (r << 3), v);
  }
  return count;
}
