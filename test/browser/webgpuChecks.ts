// The webgpu page's own checks (beside the PyTorch fixtures): every GPU kernel against the wasm
// backend on random operands, the async reads and the sync-read error, in-place updates, the
// dispatch rule for host (float64) tensors, and a small MLP trained with SGD on both backends.
import * as tl from "../../src/index.js";
import type { BinaryOp, MatmulGeometry, Operand, ReduceOp, UnaryOp } from "../../src/backends/backend.js";
import { kernels } from "../../src/backends/index.js";
import type { DType, TypedArray } from "../../src/tensor/dtype.js";
import type { WebGpuBackend } from "../../src/backends/webgpu/index.js";
import { mlpTrainer } from "../support/memoryTrace.js";

/** One named check's result. */
export interface CheckResult {
  group: string;
  name: string;
  ok: boolean;
  detail?: string;
}

let seed = 12345;
function rnd(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

function floats(n: number, specials = false): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rnd() - 0.5) * 6;
  if (specials && n > 8) {
    a[0] = Number.NaN;
    a[1] = Number.POSITIVE_INFINITY;
    a[2] = Number.NEGATIVE_INFINITY;
    a[3] = 0;
    a[4] = -0.5;
    a[5] = 2.5;
  }
  return a;
}
function ints(n: number, lo = -20, hi = 20): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor(rnd() * (hi - lo + 1));
  return a;
}
function bools(n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = rnd() < 0.5 ? 1 : 0;
  return a;
}
const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** "" when close (float: atol 1e-5 + rtol 1e-4 (looser for transcendental ops); ints and bools: exact), else where not. */
function compare(got: ArrayLike<number>, want: ArrayLike<number>, dtype: DType, rtol = 1e-4, atol = 1e-5): string {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!,
      w = want[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    if (dtype === "float32" && Number.isFinite(w) && Math.abs(g - w) <= atol + rtol * Math.abs(w)) continue;
    return `element ${i}: webgpu ${g}, wasm ${w}`;
  }
  return "";
}

function allocHost(dtype: DType, n: number): TypedArray {
  return dtype === "float32"
    ? new Float32Array(n)
    : dtype === "int32"
      ? new Int32Array(n)
      : dtype === "bool"
        ? new Uint8Array(n)
        : new Float64Array(n);
}

/**
 * Run `call` on wasm (host outputs) and on webgpu (GPU outputs; inputs given as host arrays are
 * uploaded, and with `resident` first copied to the GPU), then compare each output.
 */
async function versusWasm(
  outs: { dtype: DType; n: number }[],
  inputs: TypedArray[],
  call: (ins: Operand[], outs: Operand[]) => void,
  resident: boolean,
  rtol?: number,
): Promise<string> {
  tl.setBackend("wasm");
  const wantOuts = outs.map((o) => allocHost(o.dtype, o.n));
  call(inputs, wantOuts);
  tl.setBackend("webgpu");
  const k = kernels() as WebGpuBackend;
  const ins = inputs.map((x) => {
    if (!resident) return x;
    const dt: DType = x instanceof Int32Array ? "int32" : x instanceof Uint8Array ? "bool" : "float32";
    const s = k.allocate!(dt, x.length)!;
    k.unary("copy", x, s);
    return s;
  });
  const gotOuts = outs.map((o) => k.allocate!(o.dtype, o.n)!);
  call(ins, gotOuts);
  for (let j = 0; j < outs.length; j++) {
    const got = await gotOuts[j]!.read!();
    const msg = compare(got, wantOuts[j]!, outs[j]!.dtype, rtol);
    if (msg) return `output ${j}: ${msg}`;
  }
  return "";
}

const UNARY: [UnaryOp, number?, number?][] = [
  ["copy"],
  ["neg"],
  ["abs"],
  ["sign"],
  ["exp"],
  ["expm1"],
  ["log"],
  ["log1p"],
  ["sqrt"],
  ["rsqrt"],
  ["reciprocal"],
  ["square"],
  ["sin"],
  ["cos"],
  ["tanh"],
  ["sigmoid"],
  ["erf"],
  ["floor"],
  ["ceil"],
  ["round"],
  ["trunc"],
  ["relu"],
  ["leakyRelu", 0.1],
  ["elu", 1.3],
  ["softplus", 1.5, 2],
  ["clamp", -0.5, 0.75],
  ["powScalar", 2.5],
  ["powScalar", 3],
  ["powScalar", -1],
];
const BOOL_UNARY: UnaryOp[] = ["logicalNot", "isnan", "isinf", "isfinite"];
const ARITH: BinaryOp[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "remainder", "floorDivide", "reluGrad"];
const COMPARE: BinaryOp[] = ["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor"];
const INT_ARITH: BinaryOp[] = ["add", "sub", "mul", "maximum", "minimum", "remainder", "floorDivide"];
const REDUCE: ReduceOp[] = ["sum", "prod", "max", "min", "argmax", "argmin", "all", "any"];

/** Every GPU kernel against wasm; each case twice: host operands uploaded, and operands already on the GPU. */
async function kernelChecks(out: CheckResult[]): Promise<void> {
  const add = async (group: string, name: string, run: (resident: boolean) => Promise<string>): Promise<void> => {
    for (const resident of [false, true]) {
      try {
        const msg = await run(resident);
        out.push({ group, name: `${name}${resident ? " (GPU operands)" : ""}`, ok: msg === "", ...(msg ? { detail: msg } : {}) });
      } catch (e) {
        out.push({ group, name, ok: false, detail: String(e) });
      }
    }
  };
  const n = 1000;
  for (const [op, a, b] of UNARY) {
    const x = floats(n, true);
    const loose = op === "erf" || op === "powScalar" || op === "sin" || op === "cos" ? 3e-4 : undefined;
    await add("unary", `${op} float32`, (r) =>
      versusWasm([{ dtype: "float32", n }], [x], ([xi], [o]) => kernels().unary(op, xi!, o!, a, b), r, loose),
    );
  }
  for (const op of BOOL_UNARY) {
    const x = floats(n, true);
    await add("unary", `${op} -> bool`, (r) => versusWasm([{ dtype: "bool", n }], [x], ([xi], [o]) => kernels().unary(op, xi!, o!), r));
  }
  for (const op of ["copy", "neg", "abs", "square", "sign", "relu"] as UnaryOp[]) {
    const x = ints(n);
    await add("unary", `${op} int32`, (r) => versusWasm([{ dtype: "int32", n }], [x], ([xi], [o]) => kernels().unary(op, xi!, o!), r));
  }
  const casts: [TypedArray, DType][] = [
    [floats(n, true).map((v) => (Number.isFinite(v) ? v * 10 : 0)), "int32"],
    [floats(n, true), "bool"],
    [ints(n), "float32"],
    [bools(n), "float32"],
    [ints(n), "bool"],
  ];
  for (const [x, dt] of casts) {
    await add("unary", `cast ${x.constructor.name} -> ${dt}`, (r) =>
      versusWasm([{ dtype: dt, n }], [x], ([xi], [o]) => kernels().unary("cast", xi!, o!), r),
    );
  }

  const shapes: [number[], number[], number[]][] = [
    [
      [6, 7],
      [6, 7],
      [6, 7],
    ],
    [
      [3, 1, 5],
      [4, 1],
      [3, 4, 5],
    ],
    [[2, 3, 4], [], [2, 3, 4]],
  ];
  for (const op of ARITH) {
    for (const [as, bs, os] of shapes) {
      const x = floats(numel(as), true),
        y = floats(numel(bs));
      const loose = op === "pow" || op === "atan2" || op === "remainder" ? 3e-4 : undefined;
      await add("binary", `${op} float32 [${as}] [${bs}]`, (r) =>
        versusWasm(
          [{ dtype: "float32", n: numel(os) }],
          [x, y],
          ([xa, xb], [o]) => kernels().binary(op, xa!, as, xb!, bs, o!, os),
          r,
          loose,
        ),
      );
    }
  }
  for (const op of COMPARE) {
    const [as, bs, os] = shapes[1]!;
    const x = floats(numel(as)).map((v) => Math.round(v)),
      y = floats(numel(bs)).map((v) => Math.round(v));
    await add("binary", `${op} float32 -> bool`, (r) =>
      versusWasm([{ dtype: "bool", n: numel(os) }], [x, y], ([xa, xb], [o]) => kernels().binary(op, xa!, as, xb!, bs, o!, os), r),
    );
    const bx = bools(numel(as)),
      by = bools(numel(bs));
    await add("binary", `${op} bool -> bool`, (r) =>
      versusWasm([{ dtype: "bool", n: numel(os) }], [bx, by], ([xa, xb], [o]) => kernels().binary(op, xa!, as, xb!, bs, o!, os), r),
    );
  }
  for (const op of INT_ARITH) {
    const [as, bs, os] = shapes[1]!;
    const x = ints(numel(as)),
      y = ints(numel(bs), 1, 9).map((v, i) => (i % 2 ? -v : v));
    await add("binary", `${op} int32`, (r) =>
      versusWasm([{ dtype: "int32", n: numel(os) }], [x, y], ([xa, xb], [o]) => kernels().binary(op, xa!, as, xb!, bs, o!, os), r),
    );
  }

  {
    const cs = [3, 1, 5],
      as = [4, 1],
      bs = [1, 4, 5],
      os = [3, 4, 5];
    const c = bools(numel(cs)),
      x = floats(numel(as)),
      y = floats(numel(bs));
    await add("where", "where float32 broadcast", (r) =>
      versusWasm(
        [{ dtype: "float32", n: numel(os) }],
        [c, x, y],
        ([ci, xa, xb], [o]) => kernels().where(ci!, cs, xa!, as, xb!, bs, o!, os),
        r,
      ),
    );
  }

  const [outer, size, inner] = [3, 7, 5];
  for (const op of REDUCE) {
    const x = floats(outer * size * inner);
    x[10] = Number.NaN; // one line with a NaN
    const dt: DType = op === "argmax" || op === "argmin" ? "int32" : op === "all" || op === "any" ? "bool" : "float32";
    const src = op === "all" || op === "any" ? bools(x.length).map((v, i) => (i < 35 ? 1 : v)) : x;
    await add("reduce", `${op} [${outer},${size},${inner}]`, (r) =>
      versusWasm([{ dtype: dt, n: outer * inner }], [src], ([xi], [o]) => kernels().reduce(op, xi!, outer, size, inner, o!), r),
    );
    if (op !== "all" && op !== "any") {
      const xi32 = ints(outer * size * inner, -3, 3);
      const dti: DType = op === "argmax" || op === "argmin" ? "int32" : "int32";
      await add("reduce", `${op} int32`, (r) =>
        versusWasm([{ dtype: dti, n: outer * inner }], [xi32], ([xi], [o]) => kernels().reduce(op, xi!, outer, size, inner, o!), r),
      );
    }
  }
  {
    const x = floats(100000);
    await add("reduce", "sum of 100000 (one line)", (r) =>
      versusWasm([{ dtype: "float32", n: 1 }], [x], ([xi], [o]) => kernels().reduce("sum", xi!, 1, 100000, 1, o!), r),
    );
  }

  const geoms: (MatmulGeometry & { bias?: boolean })[] = [
    { batch: 1, m: 37, k: 70, n: 45, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false },
    { batch: 1, m: 64, k: 64, n: 64, aBatchStride: 0, bBatchStride: 0, transA: true, transB: false },
    { batch: 1, m: 33, k: 17, n: 65, aBatchStride: 0, bBatchStride: 0, transA: false, transB: true, bias: true },
    { batch: 3, m: 20, k: 9, n: 11, aBatchStride: 180, bBatchStride: 0, transA: true, transB: true },
    { batch: 4, m: 5, k: 130, n: 7, aBatchStride: 650, bBatchStride: 910, transA: false, transB: false, bias: true },
    { batch: 1, m: 1, k: 1, n: 1, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false },
    // vec4 loads along the depth of both operands (A untransposed, B transposed; k % 4 == 0)
    { batch: 2, m: 36, k: 20, n: 44, aBatchStride: 720, bBatchStride: 880, transA: false, transB: true, bias: true },
  ];
  for (const g of geoms) {
    const a = floats(g.aBatchStride ? g.aBatchStride * g.batch : g.m * g.k),
      b = floats(g.bBatchStride ? g.bBatchStride * g.batch : g.k * g.n),
      bias = floats(g.n);
    const name = `matmul batch ${g.batch} ${g.m}x${g.k}x${g.n}${g.transA ? " transA" : ""}${g.transB ? " transB" : ""}${g.bias ? " bias" : ""}`;
    await add("matmul", name, (r) =>
      versusWasm(
        [{ dtype: "float32", n: g.batch * g.m * g.n }],
        [a, b, bias],
        ([xa, xb, xbias], [o]) => kernels().matmul(xa!, xb!, o!, g, g.bias ? xbias! : null),
        r,
        3e-4,
      ),
    );
  }

  {
    const x = floats(24);
    // a transpose of [2, 3, 4] to [4, 3, 2] and a slice with offsets
    await add("copyStrided", "transpose [2,3,4] -> [4,3,2]", (r) =>
      versusWasm(
        [{ dtype: "float32", n: 24 }],
        [x],
        ([xi], [o]) =>
          kernels().copyStrided(xi!, o!, { shape: [4, 3, 2], srcOffset: 0, srcStrides: [1, 4, 12], dstOffset: 0, dstStrides: [6, 2, 1] }),
        r,
      ),
    );
    const xi = ints(60);
    await add("copyStrided", "int32 slice into an offset", (r) =>
      versusWasm(
        [{ dtype: "int32", n: 40 }],
        [xi],
        ([s], [o]) => kernels().copyStrided(s!, o!, { shape: [3, 4], srcOffset: 7, srcStrides: [10, 2], dstOffset: 5, dstStrides: [8, 1] }),
        r,
      ),
    );
    await add("copyStrided", "broadcast one value", (r) =>
      versusWasm(
        [{ dtype: "float32", n: 12 }],
        [x],
        ([s], [o]) => kernels().copyStrided(s!, o!, { shape: [3, 4], srcOffset: 3, srcStrides: [0, 0], dstOffset: 0, dstStrides: [4, 1] }),
        r,
      ),
    );
  }

  {
    const [o, s, i] = [4, 10, 3];
    const x = floats(o * s * i);
    for (let j = 0; j < s; j++) x[j * i] = Number.NEGATIVE_INFINITY; // line (0, 0): all -inf
    x[s * i + 1] = Number.POSITIVE_INFINITY;
    x[2 * s * i + 2] = Number.NaN;
    await add("logSoftmax", `logSoftmax [${o},${s},${i}] with inf, -inf and NaN lines`, (r) =>
      versusWasm([{ dtype: "float32", n: o * s * i }], [x], ([xi], [out]) => kernels().logSoftmax(xi!, out!, o, s, i), r),
    );
  }
}

async function expectThrows(fn: () => unknown, pattern: RegExp): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return pattern.test(String(e)) ? "" : `threw ${String(e)}, not matching ${pattern}`;
  }
  return "did not throw";
}

/** Tensor-level behaviour on the webgpu backend. */
async function tensorChecks(out: CheckResult[]): Promise<void> {
  const check = async (name: string, fn: () => Promise<string>): Promise<void> => {
    try {
      const msg = await fn();
      out.push({ group: "tensor", name, ok: msg === "", ...(msg ? { detail: msg } : {}) });
    } catch (e) {
      out.push({ group: "tensor", name, ok: false, detail: String(e) });
    }
  };
  tl.setBackend("webgpu");
  await check("async reads: array(), dataAsync(), itemAsync()", async () => {
    const t = tl
      .tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: "float32" },
      )
      .mul(2);
    if (t.deviceStorage?.device !== "webgpu") return `the result lives on ${t.deviceStorage?.device ?? "the host"}`;
    const arr = JSON.stringify(await t.array());
    if (arr !== "[[2,4],[6,8]]") return `array() gave ${arr}`;
    const d = await t.dataAsync();
    if (!(d instanceof Float32Array) || d.join() !== "2,4,6,8") return `dataAsync() gave ${d.constructor.name} ${d.join()}`;
    const s = await t.sum().itemAsync();
    if (s !== 20) return `itemAsync() gave ${s}`;
    const b = await t.gt(4).array();
    if (JSON.stringify(b) !== "[[false,false],[true,true]]") return `bool array() gave ${JSON.stringify(b)}`;
    const host = tl.tensor([1.5], { dtype: "float64" });
    if ((await host.itemAsync()) !== 1.5 || JSON.stringify(await host.array()) !== "[1.5]") return "host tensors' async reads";
    return "";
  });
  await check("sync reads of a GPU tensor throw, naming the async read", async () => {
    const t = tl.tensor([1, 2, 3], { dtype: "float32" }).add(1);
    for (const [what, fn] of [
      ["data", () => t.data],
      ["item", () => t.sum().item()],
      ["toArray", () => t.toArray()],
      ["toString", () => t.toString()],
    ] as const) {
      const msg = await expectThrows(fn, /await t\.dataAsync\(\)/);
      if (msg) return `${what}: ${msg}`;
    }
    return "";
  });
  await check("float64 stays on the host under webgpu (CPU fallback, sync reads work)", async () => {
    const x = tl.tensor([1, 2, 3], { dtype: "float64" });
    const y = x.mul(x).sum();
    if (y.deviceStorage !== null) return "a float64 result is not on the host";
    return y.item() === 14 ? "" : `got ${y.item()}`;
  });
  await check("in-place updates on GPU tensors (add_, mul_, copy_, fill_, zero_)", async () => {
    const x = tl.tensor([1, 2, 3], { dtype: "float32" }).mul(1);
    tl.noGrad(() => {
      x.add_(tl.tensor([10, 20, 30]));
      x.mul_(2);
    });
    let got = JSON.stringify(await x.array());
    if (got !== "[22,44,66]") return `add_/mul_ gave ${got}`;
    x.copy_(tl.tensor([7, 8, 9]));
    got = JSON.stringify(await x.array());
    if (got !== "[7,8,9]") return `copy_ gave ${got}`;
    x.fill_(5);
    got = JSON.stringify(await x.array());
    if (got !== "[5,5,5]") return `fill_ gave ${got}`;
    x.zero_();
    got = JSON.stringify(await x.array());
    return got === "[0,0,0]" ? "" : `zero_ gave ${got}`;
  });
  await check("a host tensor written in place from a GPU value moves to the GPU", async () => {
    const p = tl.tensor([1, 2, 3], { dtype: "float32" });
    tl.noGrad(() => p.sub_(tl.tensor([1, 1, 1], { dtype: "float32" }).mul(0.5)));
    if (p.deviceStorage?.device !== "webgpu") return "p stayed on the host";
    const got = JSON.stringify(await p.array());
    return got === "[0.5,1.5,2.5]" ? "" : `got ${got}`;
  });
  await check("reshape and detach share the GPU storage; clone copies it", async () => {
    const x = tl.tensor([1, 2, 3, 4], { dtype: "float32" }).add(0);
    const r = x.reshape([2, 2]),
      d = x.detach(),
      c = x.clone();
    if (r.deviceStorage !== x.deviceStorage || d.deviceStorage !== x.deviceStorage) return "a view does not share the storage";
    if (c.deviceStorage === x.deviceStorage) return "clone shares the storage";
    tl.noGrad(() => x.add_(1));
    const got = JSON.stringify([await r.array(), await c.array()]);
    return got === "[[[2,3],[4,5]],[1,2,3,4]]" ? "" : `got ${got}`;
  });
  await check("cumsum: host operands and GPU values give the values, or a clear not-implemented error", async () => {
    const cs = tl.tensor([1, 2, 3], { dtype: "float32" }).cumsum(0);
    const got = JSON.stringify(await cs.array());
    if (got !== "[1,3,6]") return `cumsum of a host tensor gave ${got}`;
    const x = tl.tensor([3, 1, 2], { dtype: "float32" }).add(0);
    let onGpu: string;
    try {
      onGpu = JSON.stringify(await x.cumsum(0).array());
    } catch (e) {
      return /not implemented on webgpu yet/.test(String(e)) ? "" : `threw ${String(e)}`;
    }
    if (onGpu !== "[3,4,6]") return `cumsum of GPU values gave ${onGpu}`;
    // values a CPU kernel left on the host are uploaded when a GPU kernel reads them
    const y = cs.mul(2);
    return JSON.stringify(await y.array()) === "[2,6,12]" ? "" : "the upload of host values";
  });
  await check("bool masks and int32 of host tensors stay on the host", async () => {
    const m = tl.tensor([1, -2, 3], { dtype: "float64" }).gt(0);
    if (m.deviceStorage?.hostAddressable === false) return "a mask of a float64 tensor went to the GPU";
    return JSON.stringify(m.toArray()) === "[true,false,true]" ? "" : `got ${JSON.stringify(m.toArray())}`;
  });
  await check("gradients on the GPU (matmul, relu, sum)", async () => {
    const w = tl.tensor(
      [
        [1, -2],
        [3, -4],
      ],
      { requiresGrad: true, dtype: "float32" },
    );
    const x = tl.tensor([[1, 1]], { dtype: "float32" });
    x.matmul(w).relu().sum().backward();
    const got = JSON.stringify(await w.grad!.array());
    return got === "[[1,0],[1,0]]" ? "" : `grad ${got}`;
  });
}

/** The losses of the MLP of the memory trace trained with SGD + momentum, read every step (async on webgpu). */
async function trainMlp(steps: number): Promise<number[]> {
  const step = mlpTrainer(7, "sgd", 0.1);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push(await step().itemAsync());
  return losses;
}

async function trainingCheck(out: CheckResult[]): Promise<{ wasm: number[]; webgpu: number[] }> {
  const steps = 300;
  tl.setBackend("wasm");
  const wasm = await trainMlp(steps);
  tl.setBackend("webgpu");
  const webgpu = await trainMlp(steps);
  let worst = 0;
  for (let i = 0; i < steps; i++) worst = Math.max(worst, Math.abs(webgpu[i]! - wasm[i]!) / Math.max(1e-3, Math.abs(wasm[i]!)));
  const ok = worst <= 2e-3 && wasm[steps - 1]! < wasm[0]! * 0.7;
  out.push({
    group: "training",
    name: `MLP 8-16-3, SGD momentum, ${steps} steps: loss ${wasm[0]!.toFixed(4)} -> ${wasm[steps - 1]!.toFixed(4)} (wasm), worst relative gap ${worst.toExponential(2)}`,
    ok,
    ...(ok
      ? {}
      : {
          detail: `webgpu ${webgpu.slice(0, 5).join(", ")} ... ${webgpu[steps - 1]}; wasm ${wasm.slice(0, 5).join(", ")} ... ${wasm[steps - 1]}`,
        }),
  });
  return { wasm, webgpu };
}

export async function runChecks(): Promise<{
  results: CheckResult[];
  memory: { liveBytes: number; pooledBytes: number; finalized: number };
}> {
  const results: CheckResult[] = [];
  await kernelChecks(results);
  await tensorChecks(results);
  try {
    await trainingCheck(results);
  } catch (e) {
    results.push({ group: "training", name: "MLP training", ok: false, detail: String(e) });
  }
  tl.setBackend("webgpu");
  const ctx = (kernels() as WebGpuBackend).context;
  return { results, memory: { liveBytes: ctx.liveBytes, pooledBytes: ctx.pooledBytes, finalized: ctx.finalized } };
}
