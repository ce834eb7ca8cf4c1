// The randomized differential cases against PyTorch 1.13 (scripts/fixtures/make_differential.py,
// data in test/fixtures/differential/*.json.gz): loading them, mapping each op onto tensorloom's
// API, and judging one case in one dtype. Test support only: nothing in src/ imports this.
//
// A case PyTorch refused must make tensorloom throw a TensorloomError (any other exception, or a
// returned value, fails). An accepted case must return every output (indices exactly, floats
// within the dtype's tolerance) and, after backward of sum(out * weights), every gradient.

import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import * as tl from "../../src/index.js";
import { LOCAL_FIXTURE_DIR, fromFixture, type FloatType } from "./fixtures.js";

export const DIFFERENTIAL_DIR = resolve(LOCAL_FIXTURE_DIR, "differential");

type Num = number | string | boolean;
export interface DiffTensor {
  shape: number[];
  dtype: "float64" | "int64" | "bool";
  data: Num[];
}

export interface DiffCase {
  id: string;
  op: string;
  // biome-ignore lint/suspicious/noExplicitAny: PyTorch's keyword arguments from the generated JSON, read per op
  args: Record<string, any>;
  inputs: Record<string, DiffTensor>;
  error?: string;
  grad_error?: string;
  outputs?: Record<string, DiffTensor>;
  weights?: Record<string, DiffTensor>;
  grads?: Record<string, DiffTensor | null>;
}

/** Every case of every data file, in file order. */
export function loadDifferentialCases(dir = DIFFERENTIAL_DIR): DiffCase[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json.gz"))
    .sort();
  return files.flatMap((f) => (JSON.parse(gunzipSync(readFileSync(resolve(dir, f))).toString("utf8")) as { cases: DiffCase[] }).cases);
}

const decode = (v: Num): number =>
  typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity;

function values(t: DiffTensor): number[] {
  return t.data.map(decode);
}

/** The case's tensor in tensorloom: floats in `dtype`, int64 as int32, bool as bool. */
function build(t: DiffTensor, dtype: FloatType, requiresGrad: boolean): tl.Tensor {
  return fromFixture({ shape: t.shape, dtype: t.dtype, data: values(t) }, dtype, requiresGrad);
}

// ---------------------------------------------------------------- the ops

type Ins = Record<string, tl.Tensor>;
type Outs = Record<string, tl.Tensor>;
// biome-ignore lint/suspicious/noExplicitAny: PyTorch's keyword arguments from the generated JSON, read per op
type Runner = (ins: Ins, a: Record<string, any>, dtype: FloatType) => Outs;
// biome-ignore lint/suspicious/noExplicitAny: ops looked up by the name the case gives
const F = tl.F as unknown as Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: ops looked up by the name the case gives
const TL = tl as unknown as Record<string, any>;

const out = (t: tl.Tensor): Outs => ({ output: t });

function conv(nd: number): Runner {
  const f = F[`conv${nd}d`];
  return (ins, a) =>
    out(f(ins.input, ins.weight, ins.bias ?? null, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups }));
}

function convT(nd: number): Runner {
  const f = F[`convTranspose${nd}d`];
  return (ins, a) =>
    out(
      f(ins.input, ins.weight, ins.bias ?? null, {
        stride: a.stride,
        padding: a.padding,
        outputPadding: a.output_padding,
        dilation: a.dilation,
        groups: a.groups,
      }),
    );
}

function maxPool(nd: number): Runner {
  const f = F[`maxPool${nd}d`];
  return (ins, a) => {
    const [o, idx] = f(ins.input, {
      kernelSize: a.kernel_size,
      stride: a.stride,
      padding: a.padding,
      dilation: a.dilation,
      ceilMode: a.ceil_mode,
      returnIndices: true,
    });
    return { output: o, indices: idx };
  };
}

function avgPool(nd: number): Runner {
  const f = F[`avgPool${nd}d`];
  return (ins, a) =>
    out(
      f(ins.input, {
        kernelSize: a.kernel_size,
        stride: a.stride,
        padding: a.padding,
        ceilMode: a.ceil_mode,
        countIncludePad: a.count_include_pad,
        divisorOverride: a.divisor_override ?? null,
      }),
    );
}

function adaptive(kind: "Avg" | "Max", nd: number): Runner {
  const f = F[`adaptive${kind}Pool${nd}d`];
  return (ins, a) => {
    if (kind === "Avg") return out(f(ins.input, a.output_size));
    const [o, idx] = f(ins.input, a.output_size, true);
    return { output: o, indices: idx };
  };
}

/** RNN/LSTM/GRU with the case's parameters loaded; ins[name] becomes the module's parameter so its grad can be read. */
const recurrent: Runner = (ins, a, dtype): Outs => {
  const common = { numLayers: a.num_layers, bias: a.bias, batchFirst: a.batch_first, bidirectional: a.bidirectional, dtype };
  const m =
    a.mode === "LSTM"
      ? new tl.nn.LSTM(a.input_size, a.hidden_size, { ...common, projSize: a.proj_size })
      : a.mode === "GRU"
        ? new tl.nn.GRU(a.input_size, a.hidden_size, common)
        : new tl.nn.RNN(a.input_size, a.hidden_size, { ...common, nonlinearity: a.mode === "RNN_TANH" ? "tanh" : "relu" });
  const keys = m.namedParameters().map(([k]) => k);
  m.loadStateDict(Object.fromEntries(keys.map((k) => [k, ins[k]!.detach()])));
  for (const [k, p] of m.namedParameters()) ins[k] = p;
  if (m instanceof tl.nn.LSTM) {
    const [o, [h, c]] = m.forward(ins.input!, ins.h_0 ? [ins.h_0, ins.c_0!] : null);
    return { output: o, h_n: h, c_n: c };
  }
  const [o, h] = (m as tl.nn.RNN).forward(ins.input!, ins.h_0 ?? null);
  return { output: o, h_n: h };
};

const binary =
  (name: string): Runner =>
  (ins, a) => {
    const other = ins.b ?? a.other;
    if (name === "add_alpha") return out(tl.add(ins.a!, other, a.alpha));
    if (name === "sub_alpha") return out(tl.sub(ins.a!, other, a.alpha));
    return out(TL[name](ins.a, other));
  };

const dims = (d: unknown): tl.Dims => (d === null ? undefined : (d as tl.Dims));

// biome-ignore lint/suspicious/noExplicitAny: PyTorch's keyword arguments from the generated JSON, read per op
function varOpts(a: Record<string, any>): tl.VarOptions {
  const c = a.correction;
  return { keepdim: a.keepdim, ...(c === "unbiased_false" ? { unbiased: false } : c === null || c === undefined ? {} : { correction: c }) };
}

/** op name -> [the tensorloom function it needs (the family is skipped while it is missing), runner]. */
export const RUNNERS: Record<string, [() => unknown, Runner]> = {
  ...Object.fromEntries(
    [1, 2, 3].flatMap((nd) => [
      [`conv${nd}d`, [() => F[`conv${nd}d`], conv(nd)]],
      [`conv_transpose${nd}d`, [() => F[`convTranspose${nd}d`], convT(nd)]],
      [`max_pool${nd}d`, [() => F[`maxPool${nd}d`], maxPool(nd)]],
      [`avg_pool${nd}d`, [() => F[`avgPool${nd}d`], avgPool(nd)]],
      [`adaptive_avg_pool${nd}d`, [() => F[`adaptiveAvgPool${nd}d`], adaptive("Avg", nd)]],
      [`adaptive_max_pool${nd}d`, [() => F[`adaptiveMaxPool${nd}d`], adaptive("Max", nd)]],
    ]),
  ),
  pad: [() => tl.pad, (ins, a) => out(tl.pad(ins.input!, a.pad, a.mode, a.value ?? 0))],
  rnn: [() => tl.nn.RNN, recurrent],
  lstm: [() => tl.nn.LSTM, recurrent],
  gru: [() => tl.nn.GRU, recurrent],
  cross_entropy: [
    () => F.crossEntropy,
    (ins, a) =>
      out(
        F.crossEntropy(ins.input, ins.target, {
          weight: ins.weight ?? null,
          reduction: a.reduction,
          labelSmoothing: a.label_smoothing,
          ...(a.ignore_index !== undefined ? { ignoreIndex: a.ignore_index } : {}),
        }),
      ),
  ],
  nll_loss: [
    () => F.nllLoss,
    (ins, a) => out(F.nllLoss(ins.input, ins.target, { weight: ins.weight ?? null, reduction: a.reduction, ignoreIndex: a.ignore_index })),
  ],
  mse_loss: [() => F.mseLoss, (ins, a) => out(F.mseLoss(ins.input, ins.target, { reduction: a.reduction }))],
  l1_loss: [() => F.l1Loss, (ins, a) => out(F.l1Loss(ins.input, ins.target, { reduction: a.reduction }))],
  smooth_l1_loss: [() => F.smoothL1Loss, (ins, a) => out(F.smoothL1Loss(ins.input, ins.target, { reduction: a.reduction, beta: a.beta }))],
  bce_with_logits: [
    () => F.binaryCrossEntropyWithLogits,
    (ins, a) =>
      out(
        F.binaryCrossEntropyWithLogits(ins.input, ins.target, {
          weight: ins.weight ?? null,
          posWeight: ins.pos_weight ?? null,
          reduction: a.reduction,
        }),
      ),
  ],
  sum: [() => tl.sum, (ins, a) => out(tl.sum(ins.input!, dims(a.dim), a.keepdim))],
  mean: [() => tl.mean, (ins, a) => out(tl.mean(ins.input!, dims(a.dim), a.keepdim))],
  amax: [() => tl.amax, (ins, a) => out(tl.amax(ins.input!, dims(a.dim), a.keepdim))],
  amin: [() => tl.amin, (ins, a) => out(tl.amin(ins.input!, dims(a.dim), a.keepdim))],
  logsumexp: [() => tl.logsumexp, (ins, a) => out(tl.logsumexp(ins.input!, dims(a.dim), a.keepdim))],
  prod: [() => tl.prod, (ins, a) => out(a.dim === null ? tl.prod(ins.input!) : tl.prod(ins.input!, a.dim, a.keepdim))],
  var: [() => tl.var, (ins, a) => out(tl.var(ins.input!, dims(a.dim), varOpts(a)))],
  std: [() => tl.std, (ins, a) => out(tl.std(ins.input!, dims(a.dim), varOpts(a)))],
  ...Object.fromEntries(
    ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "add_alpha", "sub_alpha"].map((n) => [
      n,
      [() => TL[n.replace("_alpha", "")], binary(n)],
    ]),
  ),
  gather: [() => tl.gather, (ins, a) => out(tl.gather(ins.input!, a.dim, ins.index!))],
  index_select: [() => tl.indexSelect, (ins, a) => out(tl.indexSelect(ins.input!, a.dim, ins.index!))],
  scatter_add: [() => tl.scatterAdd, (ins, a) => out(tl.scatterAdd(ins.input!, a.dim, ins.index!, ins.src!))],
  cumsum: [() => TL.cumsum, (ins, a) => out(TL.cumsum(ins.input, a.dim))],
  cumprod: [() => TL.cumprod, (ins, a) => out(TL.cumprod(ins.input, a.dim))],
  sort: [
    () => TL.sort,
    (ins, a) => {
      const r = TL.sort(ins.input, a.dim, { descending: a.descending });
      return { values: r.values, indices: r.indices };
    },
  ],
  argsort: [() => TL.argsort, (ins, a) => ({ indices: TL.argsort(ins.input, a.dim, { descending: a.descending }) })],
  topk: [
    () => TL.topk,
    (ins, a) => {
      const r = TL.topk(ins.input, a.k, { dim: a.dim, largest: a.largest, sorted: a.sorted });
      return { values: r.values, indices: r.indices };
    },
  ],
  matmul: [() => tl.matmul, (ins) => out(tl.matmul(ins.a!, ins.b!))],
  embedding: [
    () => F.embedding,
    (ins, a) => out(F.embedding(ins.input, ins.weight, { paddingIdx: a.padding_idx, scaleGradByFreq: a.scale_grad_by_freq })),
  ],
  relu: [() => tl.relu, (ins) => out(tl.relu(ins.input!))],
  leaky_relu: [() => tl.leakyRelu, (ins, a) => out(tl.leakyRelu(ins.input!, a.negative_slope))],
  elu: [() => tl.elu, (ins, a) => out(tl.elu(ins.input!, a.alpha))],
  softplus: [() => tl.softplus, (ins, a) => out(tl.softplus(ins.input!, a.beta, a.threshold))],
  sigmoid: [() => tl.sigmoid, (ins) => out(tl.sigmoid(ins.input!))],
  tanh: [() => tl.tanh, (ins) => out(tl.tanh(ins.input!))],
  silu: [() => tl.silu, (ins) => out(tl.silu(ins.input!))],
  gelu: [() => tl.gelu, (ins, a) => out(tl.gelu(ins.input!, a.approximate))],
  softmax: [() => tl.softmax, (ins, a) => out(tl.softmax(ins.input!, a.dim))],
  log_softmax: [() => tl.logSoftmax, (ins, a) => out(tl.logSoftmax(ins.input!, a.dim))],
  layer_norm: [() => F.layerNorm, (ins, a) => out(F.layerNorm(ins.input, a.normalized_shape, ins.weight ?? null, ins.bias ?? null, a.eps))],
  batch_norm: [
    () => F.batchNorm,
    (ins, a) => {
      const o = F.batchNorm(ins.input, ins.running_mean, ins.running_var, {
        weight: ins.weight ?? null,
        bias: ins.bias ?? null,
        training: a.training,
        momentum: a.momentum,
        eps: a.eps,
      });
      return { output: o, running_mean: ins.running_mean!, running_var: ins.running_var! };
    },
  ],
  unfold: [
    () => F.unfold,
    (ins, a) => out(F.unfold(ins.input, a.kernel_size, { dilation: a.dilation, padding: a.padding, stride: a.stride })),
  ],
  fold: [
    () => F.fold,
    (ins, a) => out(F.fold(ins.input, a.output_size, a.kernel_size, { dilation: a.dilation, padding: a.padding, stride: a.stride })),
  ],
};

// ---------------------------------------------------------------- judging

export interface Tol {
  rtol: number;
  /** Absolute tolerance per unit of the tensor's magnitude: atol * max(1, max |expected|). */
  atol: number;
}

/** float64 must match PyTorch's float64 to rounding; float32 (same inputs) within float32 arithmetic. */
export const DIFF_TOL: Record<FloatType, Tol> = {
  float64: { rtol: 1e-9, atol: 1e-10 },
  float32: { rtol: 1e-4, atol: 2e-5 },
};

const fmtNum = (v: number | undefined): string => (v === undefined ? "undefined" : Number.isInteger(v) ? String(v) : v.toPrecision(8));

/** null when `got` matches `want`; else what differs (dtype, shape, or first element: expected vs got). */
function compare(label: string, got: tl.Tensor | null | undefined, want: DiffTensor, tol: Tol, dtype: FloatType): string | null {
  if (!got) return `${label}: missing (expected shape [${want.shape}])`;
  const wantDtype = want.dtype === "float64" ? dtype : want.dtype === "int64" ? "int32" : "bool";
  if (got.dtype !== wantDtype)
    return `${label}: dtype ${got.dtype} but a ${dtype} run should give ${wantDtype} (PyTorch: ${want.dtype === "float64" ? dtype : want.dtype})`;
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    return `${label}: shape [${got.shape}] but PyTorch gives [${want.shape}]`;
  }
  const e = values(want);
  const g = got.storage;
  if (want.dtype !== "float64") {
    for (let i = 0; i < e.length; i++)
      if (Number(g[i]) !== e[i])
        return `${label}[${i}]: ${fmtNum(Number(g[i]))} but PyTorch gives ${e[i]} (exact; got [${Array.from(g).slice(0, 12).join(", ")}${g.length > 12 ? ", …" : ""}])`;
    return null;
  }
  let scale = 1;
  for (const v of e) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < e.length; i++) {
    const w = e[i]!,
      v = Number(g[i]);
    if (Number.isNaN(w) ? Number.isNaN(v) : !Number.isFinite(w) ? v === w : Math.abs(v - w) <= tol.atol * scale + tol.rtol * Math.abs(w))
      continue;
    return `${label}[${i}]: ${fmtNum(v)} but PyTorch gives ${fmtNum(w)} (|diff| ${Math.abs(v - w).toExponential(2)}, rtol ${tol.rtol}, atol ${tol.atol}x${fmtNum(scale)})`;
  }
  return null;
}

/** A gradient tensorloom did not produce counts as zeros (PyTorch's None is stored as null). */
function compareGrad(
  label: string,
  got: tl.Tensor | null | undefined,
  want: DiffTensor | null,
  shape: number[],
  tol: Tol,
  dtype: FloatType,
): string | null {
  if (want === null) want = { shape, dtype: "float64", data: new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0) };
  if (!got) {
    return values(want).every((v) => v === 0) ? null : `${label}: no gradient (null) but PyTorch gives one of shape [${want.shape}]`;
  }
  return compare(label, got, want, tol, dtype);
}

const describeError = (e: unknown): string =>
  e instanceof Error ? `${e.constructor.name}: ${e.message.split("\n")[0]!.slice(0, 200)}` : `non-Error ${String(e)}`;

/** One case in one dtype on the current backend: null when it passes, else why not. */
export function runDifferentialCase(c: DiffCase, dtype: FloatType, tol: Tol = DIFF_TOL[dtype]): string | null {
  const entry = RUNNERS[c.op];
  if (!entry) return `no runner for op ${c.op}`;
  const gradNames = new Set(Object.keys(c.grads ?? {}));
  const ins: Ins = {};
  for (const [k, t] of Object.entries(c.inputs)) ins[k] = build(t, dtype, gradNames.has(k));
  const leaves = { ...ins };
  let outs: Outs;
  try {
    outs = entry[1](ins, c.args, dtype);
  } catch (e) {
    if (c.error !== undefined)
      return e instanceof tl.TensorloomError
        ? null
        : `PyTorch raised (${c.error}) but tensorloom threw a non-library error: ${describeError(e)}`;
    return `tensorloom threw ${describeError(e)} where PyTorch returns outputs ${Object.entries(c.outputs ?? {})
      .map(([k, t]) => `${k} [${t.shape}]`)
      .join(", ")}`;
  }
  if (c.error !== undefined) {
    return `PyTorch raised (${c.error}) but tensorloom returned ${Object.entries(outs)
      .map(([k, t]) => `${k} [${t?.shape}]`)
      .join(", ")}`;
  }
  for (const [k, want] of Object.entries(c.outputs!)) {
    const d = compare(`${k}`, outs[k], want, tol, dtype);
    if (d) return d;
  }
  if (!c.grads) return null;
  let loss: tl.Tensor | null = null;
  try {
    for (const [k, w] of Object.entries(c.weights ?? {})) {
      const term = outs[k]!.mul(build(w, dtype, false)).sum();
      loss = loss ? loss.add(term) : term;
    }
    if (loss?.requiresGrad) loss.backward();
  } catch (e) {
    return `backward threw ${describeError(e)}`;
  }
  for (const [k, g] of Object.entries(c.grads)) {
    const d = compareGrad(`grad ${k}`, ins[k]!.grad, g, c.inputs[k]?.shape ?? [...leaves[k]!.shape], tol, dtype);
    if (d) return d;
  }
  return null;
}

/** runDifferentialCase with an exception of the harness itself reported as the failure: how the test and updateDifferentialKnown.ts judge a case. */
export function judgeDifferentialCase(c: DiffCase, dtype: FloatType): string | null {
  try {
    return runDifferentialCase(c, dtype);
  } catch (e) {
    return `harness error: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** One line naming the case: id, op, arguments and input shapes. */
export function describeCase(c: DiffCase): string {
  const shapes = Object.entries(c.inputs)
    .map(([k, t]) => `${k}${t.dtype === "float64" ? "" : `:${t.dtype}`}[${t.shape}]`)
    .join(" ");
  return `${c.id} ${c.op} ${JSON.stringify(c.args)} ${shapes}`;
}
