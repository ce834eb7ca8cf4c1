// WGSL pieces the kernels share: the 1-D thread index, NaN without a constant NaN (a constant
// expression that is NaN is a compile error in WGSL, and compilers may fold `x != x`, so NaN
// tests look at the bits), float math WGSL lacks (expm1, log1p, erf, a stable tanh and sigmoid,
// pow with JS's rules for negative bases), and conversions between the stored element types.

import type { GpuType } from "./device.js";

/** The entry point of a 1-D kernel over `n` threads (workgroups of 64 spread over x and y); `body` sees `i`. */
export function main1d(n: string, body: string): string {
  return `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  NAN = bitcast<f32>(0x7fc00000u + min(gid.x, 0u));
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= ${n}) { return; }
${body}
}`;
}

/** Float helpers; include once per shader (they use the private NAN main1d sets). */
export const MATH = /* wgsl */ `
var<private> NAN: f32;
fn isnanf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinff(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn nonzerof(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }
// sin and cos as Cephes' sinf/cosf: reduction by pi/4 in three parts, then minimax polynomials
// (WGSL's own are only accurate to 2^-11 absolute on [-pi, pi])
fn sincosf(x: f32, wantCos: bool) -> f32 {
  if (isnanf(x) || isinff(x)) { return NAN; }
  var sgn = 1.0;
  var ax = x;
  if (x < 0.0) { ax = -x; if (!wantCos) { sgn = -1.0; } }
  var j = u32(ax * 1.2732395447351628);
  var y = f32(j);
  if ((j & 1u) == 1u) { j += 1u; y += 1.0; }
  j = j & 7u;
  if (j > 3u) { sgn = -sgn; j -= 4u; }
  if (wantCos && j > 1u) { sgn = -sgn; }
  let z = ((ax - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
  let z2 = z * z;
  let c = ((2.443315711809948e-5 * z2 - 1.388731625493765e-3) * z2 + 4.166664568298827e-2) * z2 * z2 - 0.5 * z2 + 1.0;
  let s = ((-1.9515295891e-4 * z2 + 8.3321608736e-3) * z2 - 1.6666654611e-1) * z2 * z + z;
  let useCos = select(j == 1u || j == 2u, j == 0u || j == 3u, wantCos);
  return sgn * select(s, c, useCos);
}
fn expm1f(x: f32) -> f32 {
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  let u = exp(x);
  if (u == 1.0) { return x; }
  if (isinff(u)) { return u; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * x / log(u);
}
fn log1pf(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (isinff(u)) { return u; }
  return log(u) * x / (u - 1.0);
}
fn tanhf(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  if (abs(x) > 20.0) { return sign(x); }
  let e = expm1f(2.0 * x);
  return e / (e + 2.0);
}
fn sigmoidf(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn erff(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  let ax = abs(x);
  if (ax >= 6.0) { return sign(x); }
  if (ax < 2.5) {
    let x2 = x * x;
    var term = x;
    var sum = x;
    for (var n = 1; n < 80; n++) {
      term *= (2.0 * x2) / f32(2 * n + 1);
      sum += term;
      if (abs(term) < 1e-9 * abs(sum)) { break; }
    }
    return 1.1283791670955126 * exp(-x2) * sum;
  }
  var f = ax;
  for (var k = 60; k >= 1; k--) { f = ax + f32(k) / 2.0 / f; }
  let r = 1.0 - 0.5641895835477563 * exp(-ax * ax) / f;
  return select(r, -r, x < 0.0);
}
fn powf(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (isnanf(x) || isnanf(y)) { return NAN; }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  if (y == 3.0) { return x * x * x; }
  if (y == 0.5 && x >= 0.0) { return sqrt(x); }
  if (y == -1.0) { return 1.0 / x; }
  let ax = abs(x);
  let yOdd = (y == trunc(y)) && (abs(y) < 16777216.0) && ((i32(abs(y)) & 1) == 1);
  if (isinff(x)) {
    let neg = x < 0.0 && yOdd;
    if (y > 0.0) { return select(ax, -ax, neg); }
    return select(0.0, -0.0, neg);
  }
  if (isinff(y)) {
    if (ax == 1.0) { return NAN; }
    return select(0.0, abs(y), (ax > 1.0) == (y > 0.0));
  }
  if (ax == 0.0) {
    let odd = (y == trunc(y)) && (abs(y) < 16777216.0) && ((i32(abs(y)) & 1) == 1);
    if (y > 0.0) { return select(0.0, x, odd); }
    return select(1.0 / ax, 1.0 / x, odd);
  }
  let r = exp2(y * log2(ax));
  if (x > 0.0) { return r; }
  if (y != trunc(y)) { return NAN; }
  let odd = abs(y) < 16777216.0 && ((i32(abs(y)) & 1) == 1);
  return select(r, -r, odd);
}
`;

/** `expr` (a value of type `from`) as a `to` value: numeric conversion, bool as 0/1 in u32. */
export function convert(expr: string, from: GpuType, to: GpuType): string {
  if (from === to) return expr;
  if (to === "u32" && from === "f32") return `select(0u, 1u, nonzerof(${expr}))`;
  if (to === "u32") return `select(0u, 1u, ${expr} != 0${from === "i32" ? "i" : "u"})`;
  return `${to}(${expr})`;
}
