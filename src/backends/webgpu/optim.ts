// WebGPU optimStep: one SGD or Adam update of a parameter as one dispatch, updating the
// parameter and its state buffers in place (the reference kernel, reference/optim.ts, is the
// specification; f32 arithmetic rounds every step as it does). Float32 only.

import type { Operand, OptimStep } from "../backend.js";
import type { GpuContext } from "./device.js";
import { main1d } from "./wgsl.js";
import { adamScalars, sgdScalars } from "../reference/optim.js";

const asIs = (x: number): number => x;

export function optimStep(
  ctx: GpuContext,
  h: OptimStep,
  p: Operand,
  grad: Operand,
  s0: Operand | null,
  s1: Operand | null,
  s2: Operand | null,
): boolean {
  const P = ctx.bind(p),
    G = ctx.bind(grad);
  if (P.type !== "f32" || G.type !== "f32") return false;
  const n = (p as { length: number }).length;
  if (h.rule === "sgd") {
    const mom = h.momentum !== 0 && s0 !== null;
    const S = mom ? ctx.bind(s0!) : null;
    if (S && S.type !== "f32") return false;
    const key = `optim:sgd:${h.weightDecay !== 0}:${mom}:${mom && h.first}:${mom && h.nesterov}:${h.dampening !== 0}`;
    const pipe = ctx.pipeline(
      key,
      () => `var<private> NAN: f32;
@group(0) @binding(0) var<storage, read_write> p: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<u32>;
${mom ? "@group(0) @binding(3) var<storage, read_write> buf: array<f32>;" : ""}
${main1d(
  "k[0]",
  `  let wd = bitcast<f32>(k[1]);
  let mom = bitcast<f32>(k[2]);
  let keep = bitcast<f32>(k[3]);
  let lr = bitcast<f32>(k[4]);
  var d = g[i];
  ${h.weightDecay !== 0 ? "d = d + wd * p[i];" : ""}
  ${
    mom
      ? `let b = ${h.first ? "d" : `buf[i] * mom + ${h.dampening !== 0 ? "d * keep" : "d"}`};
  buf[i] = b;
  d = ${h.nesterov ? "d + b * mom" : "b"};`
      : ""
  }
  p[i] = p[i] - d * lr;`,
)}`,
    );
    const k = sgdScalars(h, asIs); // the reference's scalars, rounded to f32 by params()
    const buffers = [P.buffer, G.buffer, ctx.params([n], [k.wd, k.mom, k.keep, k.lr])];
    if (S) buffers.push(S.buffer);
    ctx.dispatch(pipe, buffers, { threads: n }, S ? [p, s0!] : [p]);
    return true;
  }
  if (s0 === null || s1 === null || (h.amsgrad && s2 === null)) return false;
  const M = ctx.bind(s0),
    V = ctx.bind(s1),
    X = h.amsgrad ? ctx.bind(s2!) : null;
  if (M.type !== "f32" || V.type !== "f32" || (X && X.type !== "f32")) return false;
  const wd = h.weightDecay !== 0;
  const key = `optim:adam:${wd}:${h.decoupled}:${h.amsgrad}`;
  const pipe = ctx.pipeline(
    key,
    () => `var<private> NAN: f32;
fn isnanf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
@group(0) @binding(0) var<storage, read_write> p: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<u32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
${h.amsgrad ? "@group(0) @binding(5) var<storage, read_write> vmax: array<f32>;" : ""}
${main1d(
  "k[0]",
  `  let b1 = bitcast<f32>(k[1]);
  let a1 = bitcast<f32>(k[2]);
  let b2 = bitcast<f32>(k[3]);
  let a2 = bitcast<f32>(k[4]);
  let wd = bitcast<f32>(k[5]);
  let decay = bitcast<f32>(k[6]);
  let bc2 = bitcast<f32>(k[7]);
  let eps = bitcast<f32>(k[8]);
  let stepSize = bitcast<f32>(k[9]);
  var pi = p[i];
  var gi = g[i];
  ${wd ? (h.decoupled ? "pi = pi * decay;" : "gi = gi + wd * pi;") : ""}
  let mi = m[i] * b1 + gi * a1;
  let vi = v[i] * b2 + (gi * gi) * a2;
  m[i] = mi;
  v[i] = vi;
  var second = vi;
  ${
    h.amsgrad
      ? `let prev = vmax[i];
  second = select(max(prev, vi), NAN, isnanf(prev) || isnanf(vi));
  vmax[i] = second;`
      : ""
  }
  let denom = sqrt(second) / bc2 + eps;
  p[i] = pi - (mi / denom) * stepSize;`,
)}`,
  );
  // the reference's scalars (bias corrections in double), rounded to f32 by params()
  const a = adamScalars(h, asIs);
  const floats = [a.b1, a.a1, a.b2, a.a2, a.wd, a.decay, a.bc2, a.eps, a.stepSize];
  const buffers = [P.buffer, G.buffer, ctx.params([n], floats), M.buffer, V.buffer];
  if (X) buffers.push(X.buffer);
  ctx.dispatch(pipe, buffers, { threads: n }, X ? [p, s0, s1, s2!] : [p, s0, s1]);
  return true;
}
