// WebGPU running reductions and sorting along the middle axis of an [outer, size, inner] view.
// scan: one thread per line. Float sums and products carry a second f32 for the rounding error
// (two-sum; Dekker's two-product), a ~48-bit accumulator rounded once per output like the
// reference's float64; int32 wraps as i32 arithmetic does.
// sort: a bitonic network over each line padded to a power of two, one dispatch per stage, on
// (value, position) keys in a scratch buffer: NaN above every number, descending flips the value
// order only, equal values keep position order (stable), padding sorts last. The first k go out.

import type { Operand, ScanOp } from "../backend.js";
import { type GpuContext, GpuStorage, operandType } from "./device.js";
import { MATH, main1d } from "./wgsl.js";

/** Exact float ops (WGSL compilers may not reassociate or contract these; fma is not assumed). */
const DOUBLE_F32 = /* wgsl */ `
fn twoSum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b; let bb = s - a;
  return vec2<f32>(s, (a - (s - bb)) + (b - bb));
}
fn split(a: f32) -> vec2<f32> {
  let c = 4097.0 * a; let hi = c - (c - a);
  return vec2<f32>(hi, a - hi);
}
fn twoProd(a: f32, b: f32) -> vec2<f32> {
  let p = a * b;
  let as_ = split(a); let bs = split(b);
  let e = ((as_.x * bs.x - p) + as_.x * bs.y + as_.y * bs.x) + as_.y * bs.y;
  return vec2<f32>(p, e);
}`;

export function scan(
  ctx: GpuContext,
  op: ScanOp,
  x: Operand,
  outer: number,
  size: number,
  inner: number,
  reverse: boolean,
  out: Operand,
): boolean {
  const t = operandType(x);
  if (t !== operandType(out) || t === "u32" || !(out instanceof GpuStorage)) return false;
  const body =
    t === "i32"
      ? `  var acc = ${op === "sum" ? "0i" : "1i"};
  for (var s = 0u; s < size; s++) {
    let j = select(s, size - 1u - s, rev);
    let at = (o * size + j) * inner + k;
    acc = acc ${op === "sum" ? "+" : "*"} x[at];
    out[at] = acc;
  }`
      : `  var hi = ${op === "sum" ? "0.0" : "1.0"}; var lo = 0.0;
  for (var s = 0u; s < size; s++) {
    let j = select(s, size - 1u - s, rev);
    let at = (o * size + j) * inner + k;
    let v = x[at];
    ${
      op === "sum"
        ? `let r = twoSum(hi, v);
    if (isnanf(r.x) || isinff(r.x)) { hi = r.x; lo = 0.0; } else {
      let q = twoSum(r.y, lo); let n = twoSum(r.x, q.x);
      hi = n.x; lo = n.y + q.y;
    }`
        : `let r = twoProd(hi, v);
    if (isnanf(r.x) || isinff(r.x)) { hi = r.x; lo = 0.0; } else if (isnanf(r.y) || isinff(r.y)) { hi = hi * v + lo * v; lo = 0.0; } else {
      let n = twoSum(r.x, r.y + lo * v);
      hi = n.x; lo = n.y;
    }`
    }
    out[at] = hi + lo;
  }`;
  const p = ctx.pipeline(
    `scan:${op}:${t}`,
    () => `${MATH}
${DOUBLE_F32}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${main1d(
  "p[0]",
  `  let size = p[1]; let inner = p[2]; let rev = p[3] != 0u;
  let o = i / inner; let k = i % inner;
${body}`,
)}`,
  );
  const n = outer * inner;
  ctx.dispatch(
    p,
    [ctx.params([n, size, inner, reverse ? 1 : 0]), ctx.bind(x).buffer, ctx.bind(out).buffer],
    { threads: size === 0 ? 0 : n },
    [out],
  );
  return true;
}

/** Copy each line into the scratch keys (value, position), padded to a power of two. */
const SORT_LOAD = (t: string): string => `var<private> NAN: f32;
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> vals: array<${t}>;
@group(0) @binding(3) var<storage, read_write> pos: array<u32>;
${main1d(
  "p[0]",
  `  let size = p[1]; let inner = p[2]; let n2 = p[3];
  let line = i / n2; let j = i % n2;
  let o = line / inner; let k = line % inner;
  pos[i] = j;
  if (j < size) { vals[i] = x[(o * size + j) * inner + k]; }`,
)}`;

/** One compare-exchange stage (block kb, distance jd) of the bitonic network over every line. */
const SORT_STAGE = (t: string): string => `${MATH}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> vals: array<${t}>;
@group(0) @binding(2) var<storage, read_write> pos: array<u32>;
// a before b in the sorted order (positions at or past size are padding: last)
fn before(va: ${t}, pa: u32, vb: ${t}, pb: u32) -> bool {
  let size = p[1]; let desc = p[5] != 0u;
  if (pa >= size || pb >= size) { return pa < pb; }
  ${
    t === "f32"
      ? `let na = isnanf(va); let nb = isnanf(vb);
  if (na != nb) { return select(nb, na, desc); }
  if (!na && va != vb) { return select((va < vb), (va > vb), desc); }`
      : `if (va != vb) { return select((va < vb), (va > vb), desc); }`
  }
  return pa < pb;
}
${main1d(
  "p[0]",
  `  let n2 = p[2]; let kb = p[3]; let jd = p[4];
  let line = i / (n2 / 2u); let h = i % (n2 / 2u);
  let a = (h / jd) * 2u * jd + h % jd; let b = a + jd;
  let ia = line * n2 + a; let ib = line * n2 + b;
  let up = (a & kb) == 0u;
  let va = vals[ia]; let vb = vals[ib]; let pa = pos[ia]; let pb = pos[ib];
  if (before(vb, pb, va, pa) == up) {
    vals[ia] = vb; vals[ib] = va; pos[ia] = pb; pos[ib] = pa;
  }`,
)}`;

const SORT_STORE = (t: string): string => `var<private> NAN: f32;
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> vals: array<${t}>;
@group(0) @binding(2) var<storage, read> pos: array<u32>;
@group(0) @binding(3) var<storage, read_write> values: array<${t}>;
@group(0) @binding(4) var<storage, read_write> indices: array<i32>;
${main1d(
  "p[0]",
  `  let kk = p[1]; let inner = p[2]; let n2 = p[3];
  let o = i / (kk * inner); let j = (i / inner) % kk; let k = i % inner;
  let src = (o * inner + k) * n2 + j;
  values[i] = vals[src];
  indices[i] = i32(pos[src]);`,
)}`;

export function sort(
  ctx: GpuContext,
  x: Operand,
  outer: number,
  size: number,
  inner: number,
  k: number,
  descending: boolean,
  values: Operand,
  indices: Operand,
): boolean {
  const t = operandType(x);
  if (t === "u32" || operandType(values) !== t || operandType(indices) !== "i32") return false;
  if (!(values instanceof GpuStorage) || !(indices instanceof GpuStorage)) return false;
  let n2 = 1;
  while (n2 < size) n2 *= 2;
  const lines = outer * inner,
    total = lines * n2;
  if (lines === 0 || size === 0 || k === 0) return true;
  const vals = ctx.allocate(t === "f32" ? "float32" : "int32", total),
    pos = ctx.allocate("int32", total);
  const X = ctx.bind(x).buffer,
    V = ctx.bind(vals).buffer,
    P = ctx.bind(pos).buffer;
  ctx.dispatch(
    ctx.pipeline(`sortLoad:${t}`, () => SORT_LOAD(t)),
    [ctx.params([total, size, inner, n2]), X, V, P],
    { threads: total },
    [vals, pos],
  );
  const stage = ctx.pipeline(`sortStage:${t}`, () => SORT_STAGE(t));
  for (let kb = 2; kb <= n2; kb *= 2) {
    for (let jd = kb / 2; jd >= 1; jd /= 2) {
      ctx.dispatch(stage, [ctx.params([total / 2, size, n2, kb, jd, descending ? 1 : 0]), V, P], { threads: total / 2 }, [vals, pos]);
    }
  }
  const n = outer * k * inner;
  ctx.dispatch(
    ctx.pipeline(`sortStore:${t}`, () => SORT_STORE(t)),
    [ctx.params([n, k, inner, n2]), V, P, ctx.bind(values).buffer, ctx.bind(indices).buffer],
    { threads: n },
    [values, indices],
  );
  return true;
}
