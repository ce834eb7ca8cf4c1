// ONNX export (opset 17): one forward pass on an example input, traced at two levels.
// - Layers (Linear, Conv*, ConvTranspose*, pools, BatchNorm, LayerNorm, Dropout, Flatten,
//   activations, Embedding, RNN/LSTM/GRU) are traced as modules through forward hooks: each
//   becomes the ONNX node(s) that express it (Conv, Gemm, LSTM...), with its parameters as
//   float32 initializers under their state-dict names. Ops inside a layer are not traced.
// - The glue in a user's forward (add, mul, reshape, select, cat, matmul, sum, relu...) is traced
//   at op level through autograd's record() observer, which sees every op's name, inputs and
//   output whatever the grad mode. Arguments that record() does not see (a permutation, a slice's
//   start, a JS-number operand) are recovered from the shapes, or by re-running the op on the
//   traced values and keeping the candidate that reproduces the output bit for bit.
// A tensor that no traced op produced is a constant (an initializer). Shapes are the example's
// (static batch size). Browser-safe: no Node imports (the file-writing entry is in index.ts).

import { Tensor } from "../tensor/tensor.js";
import { numelOf, outerSizeInner } from "../tensor/shape.js";
import { TensorloomError } from "../tensor/errors.js";
import type { TypedArray } from "../tensor/dtype.js";
import { noGrad, setRecordObserver } from "../autograd/graph.js";
import { add, div, maximum, minimum, mul, pow, sub } from "../ops/binary.js";
import { elu, leakyRelu } from "../ops/activation.js";
import { logSoftmax } from "../ops/softmax.js";
import { sum, amax } from "../ops/reduce.js";
import { permute } from "../ops/movement.js";
import { mm } from "../ops/matmul.js";
import { Module } from "../nn/module.js";
import {
  Dropout,
  Dropout2d,
  ELU,
  Flatten,
  GELU,
  Identity,
  LeakyReLU,
  Linear,
  LogSoftmax,
  ReLU,
  SiLU,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from "../nn/layers.js";
import { ConvNd, ConvTransposeNd } from "../nn/conv.js";
import { AdaptiveAvgPoolNd, AdaptiveMaxPoolNd, AvgPoolNd, MaxPoolNd } from "../nn/pool.js";
import { BatchNormNd, LayerNorm } from "../nn/norm.js";
import { Embedding } from "../nn/embedding.js";
import { GRU, LSTM, RNN } from "../nn/rnn.js";
import {
  type AttrValue,
  DataType,
  encodeModel,
  type OnnxDataType,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from "./proto.js";

/** The opset the exporter writes (LayerNormalization needs 17). */
export const OPSET = 17;

/** An export that cannot be expressed: names the module or op and what is supported. */
export class OnnxExportError extends TensorloomError {
  /** "OnnxExportError", as Error.name. */
  override name = "OnnxExportError";
}

/** Options of tl.onnx.export: graph input and output names and the graph's name (torch.onnx.export's input_names and output_names). */
export interface OnnxExportOptions {
  /** Graph input names (default "input", or "input_0", "input_1"... for several inputs). */
  inputNames?: readonly string[];
  /** Graph output names (default "output", or "output_0"... for several outputs). */
  outputNames?: readonly string[];
  /** The graph's name (default the model's class name). */
  graphName?: string;
}

/** The layers exported as ONNX nodes of their own. */
export const SUPPORTED_MODULES = [
  "Linear",
  "Conv1d",
  "Conv2d",
  "Conv3d",
  "ConvTranspose1d",
  "ConvTranspose2d",
  "ConvTranspose3d",
  "MaxPool1d/2d/3d",
  "AvgPool1d/2d/3d",
  "AdaptiveAvgPool1d/2d/3d and AdaptiveMaxPool1d/2d/3d (global, or input sizes that are multiples of the output)",
  "BatchNorm1d/2d/3d (eval, running stats)",
  "LayerNorm",
  "Dropout",
  "Dropout2d",
  "Flatten",
  "Identity",
  "ReLU",
  "LeakyReLU",
  "ELU",
  "Sigmoid",
  "Tanh",
  "GELU",
  "SiLU",
  "Softplus",
  "Softmax",
  "LogSoftmax",
  "Embedding",
  "RNN",
  "LSTM",
  "GRU (no lengths, no projSize)",
  "Sequential and modules whose forward uses these and the ops below",
] as const;

/** The ops traced in a user's forward (tl.<name> or the Tensor method). */
export const SUPPORTED_OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "neg",
  "abs",
  "exp",
  "log",
  "sqrt",
  "rsqrt",
  "reciprocal",
  "erf",
  "relu",
  "sigmoid",
  "tanh",
  "leakyRelu",
  "elu",
  "silu",
  "gelu",
  "softmax",
  "logSoftmax",
  "reshape/view/flatten/squeeze/unsqueeze",
  "permute/transpose/t",
  "expand",
  "slice/narrow/select",
  "cat/stack",
  "mm/matmul/addmm",
  "sum",
  "mean",
  "amax",
  "clone",
  "to",
  "contiguous",
] as const;

const supportedText = (): string =>
  `Supported layers: ${SUPPORTED_MODULES.join(", ")}. Supported ops in a forward: ${SUPPORTED_OPS.join(", ")}.`;

// ---------------------------------------------------------------- helpers

const onnxType = (t: Tensor): OnnxDataType => (t.dtype === "int32" ? DataType.INT32 : t.dtype === "bool" ? DataType.BOOL : DataType.FLOAT);

function rawOf(t: Tensor): Uint8Array {
  const s = t.storage as TypedArray;
  if (t.dtype === "int32") return new Uint8Array((s as Int32Array).slice().buffer);
  if (t.dtype === "bool") return new Uint8Array(s as Uint8Array);
  return new Uint8Array(Float32Array.from(s as Float32Array).buffer);
}

const f32Raw = (v: ArrayLike<number>): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);
const i64Raw = (v: readonly number[]): Uint8Array => new Uint8Array(BigInt64Array.from(v.map((x) => BigInt(x))).buffer);

/** Equal values, NaN equal to NaN (a re-run op must reproduce the traced output exactly). */
function sameValues(a: Tensor, b: Tensor): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = a.storage,
    y = b.storage;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const p = x[i]!,
      q = y[i]!;
    if (p !== q && !(p !== p && q !== q)) return false;
  }
  return true;
}

const perDim = (v: number | readonly number[] | undefined | null, nd: number, dflt: number): number[] =>
  v === undefined || v === null ? Array<number>(nd).fill(dflt) : typeof v === "number" ? Array<number>(nd).fill(v) : [...v];

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out;
}

const opName = (recordName: string): string => {
  const base = recordName.replace(/Backward\d*$/, "");
  return base.charAt(0).toLowerCase() + base.slice(1);
};

/** forward of the known class is the one that runs (a subclass overriding forward is traced op by op). */
const runsForwardOf = (m: Module, cls: { prototype: { forward: unknown } }): boolean =>
  m instanceof (cls as unknown as abstract new (...a: never[]) => Module) &&
  (Object.getPrototypeOf(m) as { forward: unknown }).forward === cls.prototype.forward;

const LEAF_CLASSES: { prototype: { forward: unknown } }[] = [
  Linear,
  ConvNd,
  ConvTransposeNd,
  MaxPoolNd,
  AvgPoolNd,
  AdaptiveAvgPoolNd,
  AdaptiveMaxPoolNd,
  BatchNormNd,
  LayerNorm,
  Dropout,
  Dropout2d,
  Flatten,
  Identity,
  ReLU,
  LeakyReLU,
  ELU,
  Sigmoid,
  Tanh,
  GELU,
  SiLU,
  Softplus,
  Softmax,
  LogSoftmax,
  Embedding,
  RNN,
  LSTM,
  GRU,
];

interface RecurrentCoreView {
  mode: "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
  layers: { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null; wHr: Tensor | null }[][];
  directions: number;
  hiddenSize: number;
  numLayers: number;
  batchFirst: boolean;
  projSize: number;
}

// ---------------------------------------------------------------- the tracer

class Tracer {
  readonly names = new Map<Tensor, string>();
  /** Tensors that depend on the graph inputs; an op on constants only is folded (its output stays a constant). */
  private readonly dynamic = new Set<Tensor>();
  readonly nodes: OnnxNode[] = [];
  readonly inits: OnnxTensor[] = [];
  private readonly usedNames = new Set<string>();
  private readonly paramNames = new Map<Tensor, string>();
  private readonly storageNames = new Map<unknown, { name: string; shape: readonly number[] }>();
  private count = 0;
  /** Constants that are no parameter or buffer, in the order met (compared between two traces). */
  readonly frozen: OnnxTensor[] = [];
  depth = 0;
  paused = false;
  failure: unknown = null;

  constructor(model: Module) {
    const named = [...model.namedParameters(), ...model.namedBuffers()];
    for (const [n, t] of named) {
      this.paramNames.set(t, n);
      if (!this.storageNames.has(t.storage)) this.storageNames.set(t.storage, { name: n, shape: t.shape });
    }
  }

  unique(base: string): string {
    let n = base.replace(/[^A-Za-z0-9_.:/-]/g, "_") || "v";
    if (this.usedNames.has(n)) {
      let k = 1;
      while (this.usedNames.has(`${n}_${k}`)) k++;
      n = `${n}_${k}`;
    }
    this.usedNames.add(n);
    return n;
  }

  fresh(base: string): string {
    return this.unique(`${base}_${this.count++}`);
  }

  /** The value name of t: what a traced op produced, or a new initializer holding its values. */
  nameOf(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    const p =
      this.paramNames.get(t) ??
      (() => {
        const s = this.storageNames.get(t.storage);
        return s && s.shape.length === t.shape.length && s.shape.every((d, i) => d === t.shape[i]) ? s.name : undefined;
      })();
    const name = this.unique(p ?? `const_${this.count++}`);
    const init = { name, dims: t.shape, type: onnxType(t), raw: rawOf(t) };
    this.inits.push(init);
    if (p === undefined) this.frozen.push(init);
    this.names.set(t, name);
    return name;
  }

  constF32(base: string, values: ArrayLike<number>, dims: readonly number[]): string {
    const name = this.fresh(base);
    this.inits.push({ name, dims, type: DataType.FLOAT, raw: f32Raw(values) });
    return name;
  }

  constI64(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh(base);
    this.inits.push({ name, dims, type: DataType.INT64, raw: i64Raw(values) });
    return name;
  }

  node(op: string, inputs: string[], base: string, attrs?: Record<string, AttrValue>, nOut = 1): string[] {
    const outputs = Array.from({ length: nOut }, (_, i) => this.fresh(nOut === 1 ? base : `${base}_out${i}`));
    while (inputs.length > 0 && inputs[inputs.length - 1] === "") inputs.pop();
    this.nodes.push({ op, inputs, outputs, name: this.fresh(`${op}`), ...(attrs ? { attrs } : {}) });
    return outputs;
  }

  one(op: string, inputs: string[], base: string, attrs?: Record<string, AttrValue>): string {
    return this.node(op, inputs, base, attrs)[0]!;
  }

  reshape(x: string, shape: readonly number[], base: string): string {
    return this.one("Reshape", [x, this.constI64(`${base}_shape`, shape)], base);
  }

  transpose(x: string, perm: readonly number[], base: string): string {
    return this.one("Transpose", [x], base, { perm });
  }

  /** t is the value `name` computed in the graph (an input or a node's output). */
  bind(t: Tensor, name: string): void {
    this.names.set(t, name);
    this.dynamic.add(t);
  }

  /** Run ops outside the trace (to test a candidate argument). */
  rerun<T>(fn: () => T): T {
    const was = this.paused;
    this.paused = true;
    try {
      return noGrad(fn);
    } finally {
      this.paused = was;
    }
  }

  matches(out: Tensor, fn: () => Tensor): boolean {
    try {
      return sameValues(this.rerun(fn), out);
    } catch {
      return false;
    }
  }

  // ------------------------------------------------------------ op level

  onRecord(name: string, out: Tensor, inputs: readonly Tensor[]): void {
    if (this.paused || this.depth > 0 || this.failure !== null) return;
    if (!inputs.some((t) => this.dynamic.has(t))) return; // constant folding
    try {
      this.emitOp(name, out, inputs);
    } catch (e) {
      this.failure = e;
    }
  }

  private unsupportedOp(name: string, why = ""): never {
    const op = opName(name);
    const hint: Record<string, string> = {
      convolution: "use the nn.Conv*d / nn.ConvTranspose*d modules",
      maxPool: "use nn.MaxPool*d",
      avgPool: "use nn.AvgPool*d",
      indexSelect: "use nn.Embedding for lookups",
      lstmSequence: "use nn.LSTM",
      gruSequence: "use nn.GRU",
      lstmCell: "use nn.LSTM",
      gruCell: "use nn.GRU",
      softplus: "use nn.Softplus",
      where: "",
      gather: "",
    };
    const h = hint[op] ? ` (${hint[op]})` : "";
    throw new OnnxExportError(
      `onnx.export: the op "${op}" in the model's forward has no ONNX mapping here${why ? `: ${why}` : ""}${h}. ${supportedText()}`,
    );
  }

  /** An input as a value of out's element type (Cast where an int tensor meets a float one). */
  private operand(t: Tensor, out: Tensor): string {
    const n = this.nameOf(t);
    if (onnxType(t) === onnxType(out)) return n;
    return this.one("Cast", [n], "cast", { to: onnxType(out) });
  }

  private scalarConst(c: number, out: Tensor): string {
    const name = this.fresh("scalar");
    const type = onnxType(out);
    this.inits.push({ name, dims: [], type, raw: type === DataType.INT32 ? new Uint8Array(Int32Array.of(c).buffer) : f32Raw([c]) });
    return name;
  }

  /** The JS-number operand of a binary op, and whether it came first (tl.sub(1, x)). */
  private recoverScalar(
    op: string,
    fn: (a: Tensor | number, b: Tensor | number) => Tensor,
    x: Tensor,
    out: Tensor,
  ): { c: number; first: boolean } {
    const xs = x.storage,
      os = out.storage;
    const raw: { c: number; first: boolean }[] = [];
    let tried = 0;
    for (let i = 0; i < xs.length && tried < 4; i++) {
      const a = Number(xs[i]),
        o = Number(os[i]);
      if (!Number.isFinite(a) || !Number.isFinite(o) || (a === 0 && op !== "add" && op !== "sub")) continue;
      tried++;
      if (op === "add") raw.push({ c: o - a, first: false });
      else if (op === "sub") raw.push({ c: a - o, first: false }, { c: o + a, first: true });
      else if (op === "mul") raw.push({ c: o / a, first: false });
      else if (op === "div") raw.push({ c: a / o, first: false }, { c: o * a, first: true });
      else if (op === "pow") {
        if (a > 0 && o > 0 && a !== 1) raw.push({ c: Math.log(o) / Math.log(a), first: false });
        raw.push({ c: 2, first: false }, { c: 3, first: false }, { c: 0.5, first: false });
      } else if (op === "maximum" || op === "minimum") raw.push({ c: o, first: false });
    }
    const seen = new Set<string>();
    for (const { c, first } of raw) {
      const nice = [
        Math.round(c),
        Number(c.toPrecision(6)),
        Number(c.toPrecision(7)),
        Number(c.toPrecision(9)),
        1 / Math.round(1 / c),
        c,
        Math.fround(c),
      ];
      for (const v of nice) {
        const key = `${v}/${first}`;
        if (!Number.isFinite(v) || seen.has(key)) continue;
        seen.add(key);
        if (this.matches(out, () => (first ? fn(v, x) : fn(x, v)))) return { c: v, first };
      }
    }
    throw new OnnxExportError(
      `onnx.export: could not recover the number operand of ${op} on a tensor of shape [${x.shape.join(", ")}] from the traced values (an all-zero input?). Pass it as a tensor, or export with another example input.`,
    );
  }

  private emitOp(name: string, out: Tensor, inputs: readonly Tensor[]): void {
    const unary: Record<string, string> = {
      ReluBackward0: "Relu",
      SigmoidBackward0: "Sigmoid",
      TanhBackward0: "Tanh",
      ExpBackward0: "Exp",
      LogBackward0: "Log",
      SqrtBackward0: "Sqrt",
      NegBackward0: "Neg",
      AbsBackward0: "Abs",
      ReciprocalBackward0: "Reciprocal",
      ErfBackward0: "Erf",
      CloneBackward0: "Identity",
      SignBackward0: "Sign",
      FloorBackward0: "Floor",
      CeilBackward0: "Ceil",
      SinBackward0: "Sin",
      CosBackward0: "Cos",
    };
    const x = inputs[0];
    const bind = (n: string): void => this.bind(out, n);
    if (unary[name] && x) return bind(this.one(unary[name], [this.operand(x, out)], opName(name)));
    switch (name) {
      case "RsqrtBackward0":
        return bind(this.one("Reciprocal", [this.one("Sqrt", [this.nameOf(x!)], "sqrt")], "rsqrt"));
      case "Expm1Backward0":
        return bind(this.one("Sub", [this.one("Exp", [this.nameOf(x!)], "exp"), this.scalarConst(1, out)], "expm1"));
      case "Log1PBackward0":
        return bind(this.one("Log", [this.one("Add", [this.nameOf(x!), this.scalarConst(1, out)], "add")], "log1p"));
      case "LeakyReluBackward0":
      case "EluBackward0": {
        const isElu = name === "EluBackward0";
        const xs = x!.storage,
          os = out.storage;
        let i = 0;
        while (i < xs.length && !(Number(xs[i]) < -1e-3)) i++;
        const cands = i < xs.length ? [Number(os[i]) / (isElu ? Math.expm1(Number(xs[i])) : Number(xs[i]))] : [isElu ? 1 : 0.01];
        for (const c of cands.flatMap((c) => [Number(c.toPrecision(6)), Number(c.toPrecision(7)), c])) {
          if (this.matches(out, () => (isElu ? elu(x!, c) : leakyRelu(x!, c)))) {
            return bind(this.one(isElu ? "Elu" : "LeakyRelu", [this.nameOf(x!)], opName(name), { alpha: { float: c } }));
          }
        }
        return this.unsupportedOp(name, "its parameter could not be recovered (use nn.LeakyReLU / nn.ELU)");
      }
      case "AddBackward0":
      case "SubBackward0":
      case "MulBackward0":
      case "DivBackward0":
      case "PowBackward0":
      case "MaximumBackward0":
      case "MinimumBackward0": {
        const op = opName(name);
        const onnxOp: Record<string, string> = {
          add: "Add",
          sub: "Sub",
          mul: "Mul",
          div: "Div",
          pow: "Pow",
          maximum: "Max",
          minimum: "Min",
        };
        const fns: Record<string, (a: Tensor | number, b: Tensor | number) => Tensor> = {
          add,
          sub,
          mul,
          div,
          pow,
          maximum: (a, b) => maximum(a as Tensor, b),
          minimum: (a, b) => minimum(a as Tensor, b),
        };
        if (inputs.length === 2) {
          const [a, b] = inputs as [Tensor, Tensor];
          if ((op === "add" || op === "sub") && !this.matches(out, () => fns[op]!(a, b)))
            this.unsupportedOp(name, "alpha other than 1 (scale the operand with mul)");
          return bind(this.one(onnxOp[op]!, [this.operand(a, out), this.operand(b, out)], op));
        }
        if (inputs.length === 1) {
          if (op === "pow" && this.matches(out, () => mul(x!, x!)))
            return bind(this.one("Mul", [this.nameOf(x!), this.nameOf(x!)], "square"));
          const { c, first } = this.recoverScalar(op, fns[op]!, x!, out);
          const s = this.scalarConst(c, out),
            v = this.operand(x!, out);
          return bind(this.one(onnxOp[op]!, first ? [s, v] : [v, s], op));
        }
        return this.unsupportedOp(name);
      }
      case "ViewBackward0":
        return bind(this.reshape(this.nameOf(x!), out.shape, "reshape"));
      case "ExpandBackward0":
        return bind(this.one("Expand", [this.nameOf(x!), this.constI64("expand_shape", out.shape)], "expand"));
      case "ToCopyBackward0":
        return bind(
          onnxType(x!) === onnxType(out)
            ? this.one("Identity", [this.nameOf(x!)], "to")
            : this.one("Cast", [this.nameOf(x!)], "to", { to: onnxType(out) }),
        );
      case "PermuteBackward0": {
        const cands = permutations(x!.ndim).filter((p) => p.every((d, i) => x!.shape[d] === out.shape[i]));
        const perm = cands.length === 1 ? cands[0] : cands.find((p) => this.matches(out, () => permute(x!, p)));
        if (!perm) this.unsupportedOp(name, "the permutation could not be recovered");
        return bind(this.transpose(this.nameOf(x!), perm, "permute"));
      }
      case "SliceBackward0":
        return bind(this.emitSlice(x!, out));
      case "CatBackward0": {
        if (inputs.length === 1) return bind(this.one("Identity", [this.nameOf(x!)], "cat"));
        const axis = out.shape.findIndex(
          (n, d) =>
            inputs.every((t) => t.ndim === out.ndim && t.shape.every((m, e) => e === d || m === out.shape[e])) &&
            inputs.reduce((s, t) => s + t.shape[d]!, 0) === n,
        );
        if (axis < 0) this.unsupportedOp(name, "the concatenation dim could not be recovered");
        return bind(
          this.one(
            "Concat",
            inputs.map((t) => this.operand(t, out)),
            "cat",
            { axis },
          ),
        );
      }
      case "MmBackward0":
      case "AddmmBackward0": {
        const [bias, a, b] = name === "MmBackward0" ? [null, inputs[0]!, inputs[1]!] : [inputs[0]!, inputs[1]!, inputs[2]!];
        const fits = (ta: boolean, tb: boolean): boolean => {
          const m = a.shape[a.ndim - (ta ? 1 : 2)],
            n = b.shape[b.ndim - (tb ? 2 : 1)];
          const k1 = a.shape[a.ndim - (ta ? 2 : 1)],
            k2 = b.shape[b.ndim - (tb ? 1 : 2)];
          return m === out.shape[out.ndim - 2] && n === out.shape[out.ndim - 1] && k1 === k2;
        };
        const cands = (
          [
            [false, false],
            [false, true],
            [true, false],
            [true, true],
          ] as [boolean, boolean][]
        ).filter(([ta, tb]) => fits(ta, tb));
        const pick =
          cands.length === 1
            ? cands[0]
            : cands.find(([ta, tb]) => this.matches(out, () => (bias ? add(mm(a, b, ta, tb), bias!) : mm(a, b, ta, tb))));
        if (!pick) this.unsupportedOp(name, "the transpose flags could not be recovered");
        const tr = (t: Tensor, flag: boolean): string =>
          flag ? this.transpose(this.nameOf(t), [...Array(t.ndim - 2).keys(), t.ndim - 1, t.ndim - 2], "mT") : this.nameOf(t);
        const p = this.one("MatMul", [tr(a, pick[0]), tr(b, pick[1])], "matmul");
        return bind(bias ? this.one("Add", [p, this.nameOf(bias)], "addmm") : p);
      }
      case "SumBackward1":
      case "AmaxBackward0": {
        const isSum = name === "SumBackward1";
        const keep = out.ndim === x!.ndim && x!.ndim > 0;
        const subsets: number[][] = [];
        for (let mask = 0; mask < 1 << x!.ndim; mask++) subsets.push([...Array(x!.ndim).keys()].filter((d) => mask & (1 << d)));
        const fitsShape = (dims: number[]): boolean => {
          const want = keep ? x!.shape.map((n, d) => (dims.includes(d) ? 1 : n)) : x!.shape.filter((_, d) => !dims.includes(d));
          return want.length === out.ndim && want.every((n, i) => n === out.shape[i]);
        };
        const cands = subsets.filter(fitsShape);
        const dims =
          cands.length === 1 ? cands[0] : cands.find((d) => this.matches(out, () => (isSum ? sum(x!, d, keep) : amax(x!, d, keep))));
        if (!dims) this.unsupportedOp(name, "the reduced dims could not be recovered");
        const xin = this.operand(x!, out);
        if (dims.length === 0) return bind(this.one("Identity", [xin], "sum"));
        return bind(
          isSum
            ? this.one("ReduceSum", [xin, this.constI64("axes", dims)], "sum", { keepdims: keep ? 1 : 0 })
            : this.one("ReduceMax", [xin], "amax", { axes: dims, keepdims: keep ? 1 : 0 }),
        );
      }
      case "LogSoftmaxBackward0": {
        const axis = x!.ndim === 0 ? 0 : [...Array(x!.ndim).keys()].find((d) => this.matches(out, () => logSoftmax(x!, d)));
        if (axis === undefined) this.unsupportedOp(name, "the dim could not be recovered");
        return bind(this.one("LogSoftmax", [this.nameOf(x!)], "logSoftmax", { axis }));
      }
      default:
        return this.unsupportedOp(name);
    }
  }

  private emitSlice(x: Tensor, out: Tensor): string {
    const d = x.shape.findIndex((n, i) => n !== out.shape[i]);
    if (d < 0) return this.one("Identity", [this.nameOf(x)], "slice");
    const [outer, n, inner] = outerSizeInner(x.shape, d);
    const len = out.shape[d]!;
    const xs = x.storage,
      os = out.storage;
    const fits = (s: number, step: number): boolean => {
      for (let o = 0; o < outer; o++)
        for (let j = 0; j < len; j++)
          for (let i = 0; i < inner; i++) {
            const p = xs[(o * n + s + j * step) * inner + i]!,
              q = os[(o * len + j) * inner + i]!;
            if (p !== q && !(p !== p && q !== q)) return false;
          }
      return true;
    };
    const found: [number, number][] = [];
    for (let step = 1; step <= (len > 1 ? n : 1); step++) {
      for (let s = 0; s + (len - 1) * step < n; s++) if (fits(s, step)) found.push([s, step]);
      if (found.length > 1) break;
    }
    if (found.length !== 1) {
      throw new OnnxExportError(
        `onnx.export: could not recover the start of a slice along dim ${d} of shape [${x.shape.join(", ")}] from the traced values (${found.length === 0 ? "no" : "several"} positions match; repeated values in the example input?). Export with a random example input.`,
      );
    }
    const [s, step] = found[0]!;
    return this.one(
      "Slice",
      [
        this.nameOf(x),
        this.constI64("starts", [s]),
        this.constI64("ends", [s + (len - 1) * step + 1]),
        this.constI64("axes", [d]),
        this.constI64("steps", [step]),
      ],
      "slice",
    );
  }

  // ------------------------------------------------------------ module level

  emitModule(path: string, m: Module, inputs: unknown[], output: unknown): void {
    const base = path || m.constructor.name;
    const x = inputs[0] as Tensor;
    const out = output as Tensor;
    const bind = (n: string): void => this.bind(out, n);
    const unsupported = (why: string): never => {
      throw new OnnxExportError(`onnx.export: ${m.constructor.name}${path ? ` "${path}"` : ""}: ${why}. ${supportedText()}`);
    };
    if (!(x instanceof Tensor)) unsupported("expected a tensor input");
    const xn = (): string => this.nameOf(x);

    if (runsForwardOf(m, Linear)) {
      const l = m as Linear;
      if (x.ndim === 2)
        return bind(
          this.one("Gemm", l.bias ? [xn(), this.nameOf(l.weight), this.nameOf(l.bias)] : [xn(), this.nameOf(l.weight)], base, {
            transB: 1,
          }),
        );
      const y = this.one("MatMul", [xn(), this.transpose(this.nameOf(l.weight), [1, 0], `${base}.weight_T`)], base);
      return bind(l.bias ? this.one("Add", [y, this.nameOf(l.bias)], base) : y);
    }
    if (runsForwardOf(m, ConvNd)) {
      const c = m as ConvNd;
      if (c.paddingMode === "circular") unsupported('paddingMode "circular" has no ONNX Pad mode');
      const nd = c.nd;
      let begin: number[], end: number[];
      if (c.padding === "valid") begin = end = Array<number>(nd).fill(0);
      else if (c.padding === "same") {
        const tot = c.kernelSize.map((k, i) => c.dilation[i]! * (k - 1));
        begin = tot.map((t) => Math.floor(t / 2));
        end = tot.map((t, i) => t - begin[i]!);
      } else begin = end = [...c.padding];
      const unbatched = x.ndim === nd + 1;
      let xin = unbatched ? this.reshape(xn(), [1, ...x.shape], `${base}.batched`) : xn();
      if (c.paddingMode !== "zeros" && [...begin, ...end].some((p) => p > 0)) {
        const pads = this.constI64(`${base}.pads`, [0, 0, ...begin, 0, 0, ...end]);
        xin = this.one("Pad", [xin, pads], `${base}.pad`, { mode: c.paddingMode === "reflect" ? "reflect" : "edge" });
        begin = end = Array<number>(nd).fill(0);
      }
      const ins = [xin, this.nameOf(c.weight), ...(c.bias ? [this.nameOf(c.bias)] : [])];
      const y = this.one("Conv", ins, base, {
        kernel_shape: c.kernelSize,
        strides: c.stride,
        pads: [...begin, ...end],
        dilations: c.dilation,
        group: c.groups,
      });
      return bind(unbatched ? this.reshape(y, out.shape, base) : y);
    }
    if (runsForwardOf(m, ConvTransposeNd)) {
      const c = m as ConvTransposeNd,
        nd = c.nd,
        o = c.opts;
      const pad = perDim(o.padding, nd, 0);
      const unbatched = x.ndim === nd + 1;
      const xin = unbatched ? this.reshape(xn(), [1, ...x.shape], `${base}.batched`) : xn();
      const ins = [xin, this.nameOf(c.weight), ...(c.bias ? [this.nameOf(c.bias)] : [])];
      const y = this.one("ConvTranspose", ins, base, {
        kernel_shape: c.kernelSize,
        strides: perDim(o.stride, nd, 1),
        pads: [...pad, ...pad],
        output_padding: perDim(o.outputPadding, nd, 0),
        dilations: perDim(o.dilation, nd, 1),
        group: o.groups ?? 1,
      });
      return bind(unbatched ? this.reshape(y, out.shape, base) : y);
    }
    if (runsForwardOf(m, MaxPoolNd) || runsForwardOf(m, AvgPoolNd)) {
      const isMax = m instanceof MaxPoolNd;
      const p = m as MaxPoolNd | AvgPoolNd,
        nd = p.nd,
        o = p.opts;
      const k = perDim(o.kernelSize, nd, 1),
        st = perDim(o.stride, nd, 0).map((s, i) => (s === 0 ? k[i]! : s)),
        pad = perDim(o.padding, nd, 0);
      const unbatched = x.ndim === nd + 1;
      const xin = unbatched ? this.reshape(xn(), [1, ...x.shape], `${base}.batched`) : xn();
      const attrs: Record<string, AttrValue> = { kernel_shape: k, strides: st, pads: [...pad, ...pad], ceil_mode: o.ceilMode ? 1 : 0 };
      if (isMax) attrs.dilations = perDim((o as { dilation?: number | number[] }).dilation, nd, 1);
      else {
        const ao = o as { countIncludePad?: boolean; divisorOverride?: number | null };
        if (ao.divisorOverride != null) unsupported("divisorOverride has no ONNX AveragePool attribute");
        attrs.count_include_pad = ao.countIncludePad === false ? 0 : 1;
        if (o.ceilMode) unsupported("ceilMode (PyTorch and ONNX divide the last window differently)");
      }
      const y = this.one(isMax ? "MaxPool" : "AveragePool", [xin], base, attrs);
      return bind(unbatched ? this.reshape(y, out.shape, base) : y);
    }
    if (runsForwardOf(m, AdaptiveAvgPoolNd) || runsForwardOf(m, AdaptiveMaxPoolNd)) {
      const isMax = m instanceof AdaptiveMaxPoolNd,
        nd = (m as AdaptiveAvgPoolNd).nd;
      const unbatched = x.ndim === nd + 1;
      const xin = unbatched ? this.reshape(xn(), [1, ...x.shape], `${base}.batched`) : xn();
      const inS = x.shape.slice(-nd),
        outS = out.shape.slice(-nd);
      let y: string;
      if (outS.every((s) => s === 1)) y = this.one(isMax ? "GlobalMaxPool" : "GlobalAveragePool", [xin], base);
      else if (outS.every((s, i) => s > 0 && inS[i]! % s === 0)) {
        const k = inS.map((n, i) => n / outS[i]!);
        y = this.one(isMax ? "MaxPool" : "AveragePool", [xin], base, { kernel_shape: k, strides: k });
      } else {
        return unsupported(
          `output size [${outS.join(", ")}] does not divide the input size [${inS.join(", ")}]; ONNX expresses adaptive pooling only as global pooling or equal windows`,
        );
      }
      return bind(unbatched ? this.reshape(y, out.shape, base) : y);
    }
    if (runsForwardOf(m, BatchNormNd)) {
      const b = m as BatchNormNd;
      if (!b.runningMean || !b.runningVar)
        unsupported("without running statistics (trackRunningStats false) it normalises by the batch even in eval");
      const C = b.numFeatures;
      const scale = b.weight ? this.nameOf(b.weight) : this.constF32(`${base}.weight`, new Float32Array(C).fill(1), [C]);
      const bias = b.bias ? this.nameOf(b.bias) : this.constF32(`${base}.bias`, new Float32Array(C), [C]);
      return bind(
        this.one("BatchNormalization", [xn(), scale, bias, this.nameOf(b.runningMean!), this.nameOf(b.runningVar!)], base, {
          epsilon: { float: b.eps },
        }),
      );
    }
    if (runsForwardOf(m, LayerNorm)) {
      const l = m as LayerNorm,
        n = numelOf(l.normalizedShape);
      const scale = l.weight ? this.nameOf(l.weight) : this.constF32(`${base}.weight`, new Float32Array(n).fill(1), l.normalizedShape);
      const bias = l.bias ? this.nameOf(l.bias) : this.constF32(`${base}.bias`, new Float32Array(n), l.normalizedShape);
      return bind(
        this.one("LayerNormalization", [xn(), scale, bias], base, { axis: -l.normalizedShape.length, epsilon: { float: l.eps } }),
      );
    }
    if (runsForwardOf(m, Dropout) || runsForwardOf(m, Dropout2d) || runsForwardOf(m, Identity))
      return bind(this.one("Identity", [xn()], base));
    if (runsForwardOf(m, Flatten)) return bind(this.reshape(xn(), out.shape, base));
    const act: [{ prototype: { forward: unknown } }, string][] = [
      [ReLU, "Relu"],
      [Sigmoid, "Sigmoid"],
      [Tanh, "Tanh"],
    ];
    for (const [cls, op] of act) if (runsForwardOf(m, cls)) return bind(this.one(op, [xn()], base));
    if (runsForwardOf(m, LeakyReLU)) return bind(this.one("LeakyRelu", [xn()], base, { alpha: { float: (m as LeakyReLU).negativeSlope } }));
    if (runsForwardOf(m, ELU)) return bind(this.one("Elu", [xn()], base, { alpha: { float: (m as ELU).alpha } }));
    if (runsForwardOf(m, SiLU)) return bind(this.one("Mul", [xn(), this.one("Sigmoid", [xn()], `${base}.sigmoid`)], base));
    if (runsForwardOf(m, GELU)) {
      const half = this.constF32(`${base}.half`, [0.5], []),
        one = this.constF32(`${base}.one`, [1], []);
      let inner: string;
      if ((m as GELU).approximate === "tanh") {
        const cube = this.one("Mul", [xn(), this.one("Mul", [xn(), xn()], `${base}.sq`)], `${base}.cube`);
        const poly = this.one(
          "Add",
          [xn(), this.one("Mul", [cube, this.constF32(`${base}.c`, [0.044715], [])], `${base}.c3`)],
          `${base}.poly`,
        );
        inner = this.one(
          "Tanh",
          [this.one("Mul", [poly, this.constF32(`${base}.k`, [Math.sqrt(2 / Math.PI)], [])], `${base}.scaled`)],
          `${base}.tanh`,
        );
      } else {
        inner = this.one(
          "Erf",
          [this.one("Mul", [xn(), this.constF32(`${base}.rsqrt2`, [Math.SQRT1_2], [])], `${base}.scaled`)],
          `${base}.erf`,
        );
      }
      const gate = this.one("Mul", [this.one("Add", [inner, one], `${base}.onePlus`), half], `${base}.gate`);
      return bind(this.one("Mul", [xn(), gate], base));
    }
    if (runsForwardOf(m, Softplus)) {
      const s = m as Softplus;
      const beta = s.beta === 1 ? "" : this.constF32(`${base}.beta`, [s.beta], []);
      const bx = s.beta === 1 ? xn() : this.one("Mul", [xn(), beta], `${base}.bx`);
      let sp = this.one("Softplus", [bx], `${base}.softplus`);
      if (s.beta !== 1) sp = this.one("Div", [sp, beta], `${base}.div`);
      const over = this.one("Greater", [bx, this.constF32(`${base}.threshold`, [s.threshold], [])], `${base}.over`);
      return bind(this.one("Where", [over, xn(), sp], base));
    }
    if (runsForwardOf(m, Softmax) || runsForwardOf(m, LogSoftmax)) {
      const dim = (m as Softmax).dim,
        axis = dim < 0 ? dim + Math.max(x.ndim, 1) : dim;
      return bind(this.one(m instanceof Softmax ? "Softmax" : "LogSoftmax", [xn()], base, { axis }));
    }
    if (runsForwardOf(m, Embedding)) {
      const e = m as Embedding;
      if (e.opts.maxNorm != null) unsupported("maxNorm rescales the table during the forward");
      return bind(this.one("Gather", [this.nameOf(e.weight), xn()], base, { axis: 0 }));
    }
    if (runsForwardOf(m, RNN) || runsForwardOf(m, LSTM) || runsForwardOf(m, GRU))
      return this.emitRecurrent(base, m, inputs, output, unsupported);
    unsupported("no ONNX mapping");
  }

  private emitRecurrent(base: string, m: Module, inputs: unknown[], output: unknown, unsupported: (why: string) => never): void {
    const core = (m as unknown as { core: RecurrentCoreView }).core;
    const lstm = core.mode === "LSTM";
    const x = inputs[0] as Tensor;
    const state = inputs[1] as Tensor | readonly [Tensor, Tensor] | null | undefined;
    const opts = (inputs[2] ?? {}) as { lengths?: unknown };
    if (opts.lengths !== undefined) unsupported("lengths (padded batches) are not exported; export with full-length sequences");
    if (core.projSize > 0) unsupported("projSize has no counterpart in ONNX's LSTM");
    const h0 = lstm
      ? ((state as readonly [Tensor, Tensor] | null | undefined)?.[0] ?? null)
      : ((state as Tensor | null | undefined) ?? null);
    const c0 = lstm ? ((state as readonly [Tensor, Tensor] | null | undefined)?.[1] ?? null) : null;
    const D = core.directions,
      H = core.hiddenSize,
      L = core.numLayers;
    const unbatched = x.ndim === 2;
    const T = x.shape[unbatched ? 0 : core.batchFirst ? 1 : 0]!;
    const B = unbatched ? 1 : x.shape[core.batchFirst ? 0 : 1]!;
    let X = unbatched
      ? this.reshape(this.nameOf(x), [T, 1, x.shape[1]!], `${base}.batched`)
      : core.batchFirst
        ? this.transpose(this.nameOf(x), [1, 0, 2], `${base}.seqFirst`)
        : this.nameOf(x);
    const stateIn = (s: Tensor | null, what: string): string | null =>
      s === null ? null : unbatched ? this.reshape(this.nameOf(s), [L * D, 1, H], `${base}.${what}`) : this.nameOf(s);
    const h0n = stateIn(h0, "h0"),
      c0n = stateIn(c0, "c0");
    const G = lstm ? 4 : core.mode === "GRU" ? 3 : 1;
    // PyTorch stacks LSTM gates i,f,g,o and GRU gates r,z,n; ONNX wants i,o,f,c and z,r,h
    const order = lstm ? [0, 3, 1, 2] : core.mode === "GRU" ? [1, 0, 2] : [0];
    const reorder = (t: Tensor | null, cols: number, dst: Float32Array, at: number): void => {
      if (!t) return; // no bias: zeros
      const s = t.storage;
      order.forEach((g, k) => {
        for (let i = 0; i < H * cols; i++) dst[at + k * H * cols + i] = Number(s[g * H * cols + i]);
      });
    };
    const hs: string[] = [],
      cs: string[] = [];
    const sliceState = (s: string | null, l: number, what: string): string =>
      s === null
        ? ""
        : L === 1
          ? s
          : this.one(
              "Slice",
              [s, this.constI64("starts", [l * D]), this.constI64("ends", [(l + 1) * D]), this.constI64("axes", [0])],
              `${base}.${what}_l${l}`,
            );
    for (let l = 0; l < L; l++) {
      const dirs = core.layers[l]!;
      const inF = dirs[0]!.wIh.shape[1]!;
      const W = new Float32Array(D * G * H * inF),
        R = new Float32Array(D * G * H * H),
        Bv = new Float32Array(D * 2 * G * H);
      dirs.forEach((w, d) => {
        reorder(w.wIh, inF, W, d * G * H * inF);
        reorder(w.wHh, H, R, d * G * H * H);
        reorder(w.bIh, 1, Bv, d * 2 * G * H);
        reorder(w.bHh, 1, Bv, d * 2 * G * H + G * H);
      });
      const Wn = this.constF32(`${base}.W_l${l}`, W, [D, G * H, inF]);
      const Rn = this.constF32(`${base}.R_l${l}`, R, [D, G * H, H]);
      const Bn = this.constF32(`${base}.B_l${l}`, Bv, [D, 2 * G * H]);
      const attrs: Record<string, AttrValue> = { hidden_size: H, direction: D === 2 ? "bidirectional" : "forward" };
      if (core.mode === "GRU") attrs.linear_before_reset = 1;
      if (core.mode === "RNN_TANH" || core.mode === "RNN_RELU")
        attrs.activations = Array<string>(D).fill(core.mode === "RNN_RELU" ? "Relu" : "Tanh");
      const ins = [X, Wn, Rn, Bn, "", sliceState(h0n, l, "h0"), ...(lstm ? [sliceState(c0n, l, "c0")] : [])];
      const outs = this.node(lstm ? "LSTM" : core.mode === "GRU" ? "GRU" : "RNN", ins, `${base}.l${l}`, attrs, lstm ? 3 : 2);
      hs.push(outs[1]!);
      if (lstm) cs.push(outs[2]!);
      // Y [T, D, B, H] -> [T, B, D * H]
      X = this.reshape(this.transpose(outs[0]!, [0, 2, 1, 3], `${base}.Y_l${l}`), [T, B, D * H], `${base}.out_l${l}`);
    }
    const y = unbatched
      ? this.reshape(X, [T, D * H], `${base}.output`)
      : core.batchFirst
        ? this.transpose(X, [1, 0, 2], `${base}.output`)
        : X;
    const stack = (parts: string[], what: string): string => {
      const s = parts.length === 1 ? parts[0]! : this.one("Concat", parts, `${base}.${what}`, { axis: 0 });
      return unbatched ? this.reshape(s, [L * D, H], `${base}.${what}`) : s;
    };
    const res = output as [Tensor, Tensor | [Tensor, Tensor]];
    this.bind(res[0], y);
    if (lstm) {
      const [hN, cN] = res[1] as [Tensor, Tensor];
      this.bind(hN, stack(hs, "hN"));
      this.bind(cN, stack(cs, "cN"));
    } else {
      this.bind(res[1] as Tensor, stack(hs, "hN"));
    }
  }
}

function flattenOutputs(v: unknown, out: Tensor[], path: string): void {
  if (v instanceof Tensor) out.push(v);
  else if (Array.isArray(v)) v.forEach((e, i) => flattenOutputs(e, out, `${path}[${i}]`));
  else
    throw new OnnxExportError(
      `onnx.export: the model's forward returned ${v === null ? "null" : typeof v} at output${path}; export needs tensors or (nested) arrays of tensors.`,
    );
}

/** Other values of the same shape, without touching the random stream: floats scaled and shifted, ints rotated by one position. */
function perturbed(t: Tensor): Tensor {
  const s = t.storage,
    n = s.length;
  const out = new Tensor(s.slice() as typeof s, t.shape);
  const o = out.storage;
  if (t.dtype === "float32" || t.dtype === "float64")
    for (let i = 0; i < n; i++) o[i] = Number(s[i]) * 0.75 + 0.05 * (((i * 7919) % 13) - 6);
  else if (t.dtype === "int32") for (let i = 0; i < n; i++) o[i] = s[(i + 1) % n]!;
  return out;
}

/**
 * The traced graph (before serialisation); tests and tools may inspect it. The forward runs twice,
 * on the example and on other values of its shapes: a graph that differs (control flow on values)
 * or a constant that changes with the input (made by an op the tracer does not see) is refused
 * rather than exported with the example's values frozen in.
 */
export function traceGraph(model: Module, exampleInput: Tensor | readonly Tensor[], opts: OnnxExportOptions = {}): OnnxGraph {
  if (!(model instanceof Module)) throw new OnnxExportError(`onnx.export: expected a Module, got ${typeof model}.`);
  const args = exampleInput instanceof Tensor ? [exampleInput] : [...exampleInput];
  if (args.length === 0 || !args.every((a) => a instanceof Tensor))
    throw new OnnxExportError("onnx.export: exampleInput must be a tensor or an array of tensors (the forward's arguments).");
  const first = traceOnce(model, args, opts);
  const second = traceOnce(model, args.map(perturbed), opts);
  const ops = (t: Tracer): string => t.nodes.map((n) => n.op).join(",");
  if (ops(first) !== ops(second)) {
    throw new OnnxExportError(
      "onnx.export: the forward ran different ops for two inputs of the same shapes (control flow that depends on the values); a traced graph would follow only the example's path. Make the forward's ops independent of the values.",
    );
  }
  first.frozen.forEach((c, i) => {
    const d = second.frozen[i];
    if (!d || d.raw.length !== c.raw.length || d.raw.some((b, k) => b !== c.raw[k])) {
      throw new OnnxExportError(
        `onnx.export: a tensor of shape [${c.dims.join(", ")}] used as a constant changes with the input: it was computed by an op the tracer does not see (a comparison, argmax, detach, an int or bool op...), and the exported graph would freeze the example's values. Supported ops in a forward: ${SUPPORTED_OPS.join(", ")}.`,
      );
    }
  });
  return first.graph;
}

function traceOnce(model: Module, args: Tensor[], opts: OnnxExportOptions): Tracer & { graph: OnnxGraph } {
  const tr = new Tracer(model);
  const inputs: OnnxValueInfo[] = args.map((a, i) => {
    const name = tr.unique(opts.inputNames?.[i] ?? (args.length === 1 ? "input" : `input_${i}`));
    tr.bind(a, name);
    return { name, type: onnxType(a), dims: a.shape };
  });
  // eval mode for the trace (Dropout off, BatchNorm on running stats); flags put back after
  const flags = model.modules().map((m) => [m, m.training] as const);
  const handles: { remove(): void }[] = [];
  for (const [path, m] of model.namedModules()) {
    if (!LEAF_CLASSES.some((c) => runsForwardOf(m, c))) continue;
    handles.push(
      m.registerForwardPreHook(() => {
        tr.depth++;
      }),
    );
    handles.push(
      m.registerForwardHook((mod, ins, output) => {
        tr.depth--;
        if (tr.depth === 0 && tr.failure === null && !tr.paused) {
          try {
            tr.emitModule(path, mod, ins, output);
          } catch (e) {
            tr.failure = e;
          }
        }
      }),
    );
  }
  const prevObserver = setRecordObserver((name, out, ins) => tr.onRecord(name, out, ins));
  let result: unknown;
  try {
    model.eval();
    result = noGrad(() => (model.forward as (...a: Tensor[]) => unknown).apply(model, args));
  } finally {
    setRecordObserver(prevObserver);
    for (const h of handles) h.remove();
    for (const [m, t] of flags) m.training = t;
  }
  if (tr.failure !== null) throw tr.failure;
  const outs: Tensor[] = [];
  flattenOutputs(result, outs, "");
  const outputs: OnnxValueInfo[] = outs.map((t, i) => {
    const name = tr.unique(opts.outputNames?.[i] ?? (outs.length === 1 ? "output" : `output_${i}`));
    tr.nodes.push({ op: "Identity", inputs: [tr.nameOf(t)], outputs: [name], name: tr.fresh("Identity") });
    return { name, type: onnxType(t), dims: t.shape };
  });
  if (outs.length === 0) throw new OnnxExportError("onnx.export: the model returned no tensors.");
  const graph = { name: opts.graphName ?? model.constructor.name, nodes: tr.nodes, initializers: tr.inits, inputs, outputs };
  return Object.assign(tr, { graph });
}

/**
 * The model as ONNX bytes (opset 17, float32 initializers), traced from one forward pass on
 * `exampleInput` in eval mode (as torch.onnx.export). Works in browsers and Node.
 * @example tl.onnx.toBytes(new tl.nn.Linear(3, 2), tl.ones([1, 3])) instanceof Uint8Array // => true
 */
export function toBytes(model: Module, exampleInput: Tensor | readonly Tensor[], opts: OnnxExportOptions = {}): Uint8Array {
  return encodeModel(traceGraph(model, exampleInput, opts), OPSET, "0.1.0");
}
