// WebGPU pooling, float32. The windows come from the shared geometry (geometry.ts
// poolWindowsCsr: window o = offs[start[o] .. start[o + 1])), uploaded with each call. One thread
// per output visits its window in the reference's order (max: the last NaN, else the first maximum on
// ties; average: sum in f32, then divided). The average's backward is a gather: one thread per
// input position adds, in window order, dy / divisor of each window holding it (the inverse
// table, built once per geometry), so no two threads write one value.

import type { Operand, PoolGeometry } from "../backend.js";
import { poolWindowsCsr } from "../geometry.js";
import { numelOf } from "../../tensor/shape.js";
import { type GpuContext, operandType } from "./device.js";
import { main1d, MATH } from "./wgsl.js";

const MAX = /* wgsl */ `${MATH}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> indices: array<i32>;
@group(0) @binding(4) var<storage, read> start: array<i32>;
@group(0) @binding(5) var<storage, read> offs: array<i32>;
${main1d(
  "p[0]",
  `  let O = p[1]; let P = p[2];
  let plane = i / O; let o = i % O;
  var best = 0.0;
  var at = -1i;
  for (var j = start[o]; j < start[o + 1u]; j++) {
    let off = offs[j];
    let v = x[plane * P + u32(off)];
    if (at < 0 || v > best || isnanf(v)) { best = v; at = off; }
  }
  if (at < 0) { best = -bitcast<f32>(0x7f800000u + min(i, 0u)); }
  out[i] = best;
  indices[i] = at;`,
)}`;

const AVG = /* wgsl */ `${MATH}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> divisor: array<f32>;
@group(0) @binding(4) var<storage, read> start: array<i32>;
@group(0) @binding(5) var<storage, read> offs: array<i32>;
${main1d(
  "p[0]",
  `  let O = p[1]; let P = p[2];
  let plane = i / O; let o = i % O;
  var s = 0.0;
  for (var j = start[o]; j < start[o + 1u]; j++) { s = s + x[plane * P + u32(offs[j])]; }
  out[i] = s / divisor[o];`,
)}`;

const AVG_BACKWARD = /* wgsl */ `${MATH}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<storage, read> divisor: array<f32>;
@group(0) @binding(4) var<storage, read> start: array<i32>;
@group(0) @binding(5) var<storage, read> wins: array<i32>;
${main1d(
  "p[0]",
  `  let O = p[1]; let P = p[2];
  let plane = i / P; let pos = i % P;
  var s = dx[i];
  for (var j = start[pos]; j < start[pos + 1u]; j++) {
    let o = u32(wins[j]);
    s = s + dy[plane * O + o] / divisor[o];
  }
  dx[i] = s;`,
)}`;

const f32Ok = (...vs: Operand[]): boolean => vs.every((v) => operandType(v) === "f32");

export function maxPool(ctx: GpuContext, x: Operand, out: Operand, indices: Operand, g: PoolGeometry): boolean {
  if (!f32Ok(x, out) || operandType(indices) !== "i32") return false;
  const { start, offs } = poolWindowsCsr(g);
  const O = start.length - 1,
    n = g.planes * O;
  const bufs = [ctx.params([n, O, numelOf(g.inSize)]), ctx.bind(x).buffer, ctx.bind(out).buffer, ctx.bind(indices).buffer];
  bufs.push(ctx.upload(start).buffer, ctx.upload(offs.length ? offs : new Int32Array(1)).buffer);
  ctx.dispatch(
    ctx.pipeline("maxPool", () => MAX),
    bufs,
    { threads: n },
    [out, indices],
  );
  return true;
}

export function avgPool(ctx: GpuContext, x: Operand, out: Operand, divisor: Float64Array, g: PoolGeometry): boolean {
  if (!f32Ok(x, out)) return false;
  const { start, offs } = poolWindowsCsr(g);
  const O = start.length - 1,
    n = g.planes * O;
  const bufs = [ctx.params([n, O, numelOf(g.inSize)]), ctx.bind(x).buffer, ctx.bind(out).buffer, ctx.upload(divisor, "f32").buffer];
  bufs.push(ctx.upload(start).buffer, ctx.upload(offs.length ? offs : new Int32Array(1)).buffer);
  ctx.dispatch(
    ctx.pipeline("avgPool", () => AVG),
    bufs,
    { threads: n },
    [out],
  );
  return true;
}

const inverseCache = new WeakMap<object, { start: Int32Array; wins: Int32Array }>();

/** For each input position, the windows holding it in increasing order (CSR), cached with the window table. */
function inverseWindows(csr: { start: Int32Array; offs: Int32Array }, P: number): { start: Int32Array; wins: Int32Array } {
  let inv = inverseCache.get(csr);
  if (!inv) {
    const counts = new Int32Array(P + 1);
    for (const off of csr.offs) counts[off + 1]!++;
    for (let q = 0; q < P; q++) counts[q + 1]! += counts[q]!;
    const fill = counts.slice(0, P);
    const wins = new Int32Array(csr.offs.length);
    const O = csr.start.length - 1;
    for (let o = 0; o < O; o++) for (let j = csr.start[o]!; j < csr.start[o + 1]!; j++) wins[fill[csr.offs[j]!]!++] = o;
    inv = { start: counts, wins };
    inverseCache.set(csr, inv);
  }
  return inv;
}

export function avgPoolBackward(ctx: GpuContext, dy: Operand, dx: Operand, divisor: Float64Array, g: PoolGeometry): boolean {
  if (!f32Ok(dy, dx)) return false;
  const csr = poolWindowsCsr(g);
  const P = numelOf(g.inSize),
    O = csr.start.length - 1,
    n = g.planes * P;
  const { start, wins } = inverseWindows(csr, P);
  const bufs = [ctx.params([n, O, P]), ctx.bind(dy).buffer, ctx.bind(dx).buffer, ctx.upload(divisor, "f32").buffer];
  bufs.push(ctx.upload(start).buffer, ctx.upload(wins.length ? wins : new Int32Array(1)).buffer);
  ctx.dispatch(
    ctx.pipeline("avgPoolBackward", () => AVG_BACKWARD),
    bufs,
    { threads: n },
    [dx],
  );
  return true;
}
