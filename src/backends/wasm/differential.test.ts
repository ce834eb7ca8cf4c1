// Every wasm kernel family against the reference backend (the specification), on geometries drawn
// with a fixed seed, under the bounds-checked build (TENSORLOOM_WASM_CHECKED=1, set here before
// the backend loads): a kernel that reads or writes outside its operands fails here even when its
// results happen to be right. Draws include size-1 outputs, dilation > stride, stride > kernel,
// padding, and both sides of every routing rule in wasm/conv.ts, pool, matmul, elementwise and
// recurrent (depthwise, direct forward / input / weight gradient, the 1 MiB weight rule, chunk
// sizes, thread splits, H % 4, the 4096-element and 8-float thresholds).
//
// Outputs start as NaN (a kernel must write every element). Float results are compared with a
// bound relative to the sum of the terms' magnitudes (the same kernel run on |inputs|): float32
// sums in another order or with fused multiply-add stay far inside it, a wrong term does not.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { ConvGeometry, MatmulGeometry, PoolGeometry } from "../backend.js";
import { referenceBackend as R } from "../reference/index.js";
import { loadWasmBackend, type WasmBackend } from "./index.js";
import { setChunkBytes, useDirect, useDirectWeight } from "./conv.js";
import { useMaxPool2x2 } from "./pool.js";
import { rng as mulberry32 } from "../../../test/support/rng.js";

process.env.TENSORLOOM_WASM_CHECKED = "1";
// a longer hunt: TENSORLOOM_WASM_DIFF_SCALE=10 draws ten times the random cases, TENSORLOOM_WASM_DIFF_SEED=n other ones
const SCALE = Number(process.env.TENSORLOOM_WASM_DIFF_SCALE ?? 1),
  SEED = Number(process.env.TENSORLOOM_WASM_DIFF_SEED ?? 0);
const skip = process.env.TENSORLOOM_BACKEND === "reference" ? "the wasm configurations run it" : false;
const W = (skip ? null : loadWasmBackend()) as WasmBackend;

/** The project's seeded generator (mulberry32), so every run draws the same cases, with the draws the cases use. */
function rng(seed: number) {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const f32 = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
  return { next, int, pick, f32 };
}
type Rng = ReturnType<typeof rng>;

const nan = (n: number): Float32Array => new Float32Array(n).fill(NaN);
const abs = (x: Float32Array): Float32Array => x.map(Math.abs);

/** |got - want| <= floor + rel * (scale + |want|) (scale: the result on |inputs|, or |want|), and NaN where want is NaN. */
function close(got: Float32Array, want: Float32Array, scale: Float32Array | null, what: string, rel = 2e-5, floor = 1e-6): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!,
      g = got[i]!,
      s = scale ? scale[i]! : Math.abs(w);
    // the message only on failure: building it per element cost more than the kernels
    if (Number.isNaN(w) ? !Number.isNaN(g) : !(Math.abs(g - w) <= floor + rel * (s + Math.abs(w))))
      assert.fail(`${what}[${i}]: ${g}, want ${w}`);
  }
}

const numel = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);

interface ConvCase {
  g: ConvGeometry;
  groups: number;
  O: number;
  bias: boolean;
  chunk: number;
  threads: number;
  label: string;
}

/** Output size of one dim, or 0 where no window fits. */
const outLen = (n: number, k: number, s: number, p: number, d: number): number =>
  Math.max(0, Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1);

/**
 * `op`: a transposed conv's output padding (< max(stride, dilation), as PyTorch allows): the
 * image grows by op past what the outputs read, so its last positions get no tap.
 */
function convCase(
  spec: {
    batch: number;
    C: number;
    O: number;
    groups: number;
    img: number[];
    k: number[];
    s: number[];
    p: number[];
    d: number[];
    op?: number[];
  },
  extra: Partial<ConvCase> = {},
): ConvCase {
  const colSize = spec.img.map((n, i) => outLen(n, spec.k[i]!, spec.s[i]!, spec.p[i]!, spec.d[i]!));
  const imgSize = spec.img.map((n, i) => n + (spec.op?.[i] ?? 0));
  const g: ConvGeometry = {
    batch: spec.batch,
    channels: spec.C,
    imgSize,
    kernel: spec.k,
    stride: spec.s,
    padding: spec.p,
    dilation: spec.d,
    colSize,
  };
  return { g, groups: spec.groups, O: spec.O, bias: true, chunk: 0, threads: 1, label: "", ...extra };
}

/**
 * A random conv: 1-3 dims, outputs of 1-9 (1 in about a third of the dims), groups, dilation,
 * stride, padding. A quarter are shaped for the direct kernels (one group, stride 1, rows of 8-17
 * outputs, 4-12 output channels: their tile edges), which the rest reach rarely.
 */
function randomConv(r: Rng): ConvCase {
  const direct = r.next() < 0.25;
  const nd = direct ? r.pick([1, 2]) : r.pick([1, 1, 2, 2, 2, 3]);
  const groups = direct ? 1 : r.pick([1, 1, 2, 3]),
    Cg = r.pick([1, 1, 2, 3, 5]),
    Og = direct ? r.int(4, 12) : r.pick([1, 2, 3, 4, 5, 8]);
  const k: number[] = [],
    s: number[] = [],
    p: number[] = [],
    d: number[] = [],
    img: number[] = [],
    op: number[] = [];
  const transposed = r.next() < 0.2;
  for (let i = 0; i < nd; i++) {
    const ki = r.int(1, nd === 3 ? 3 : 4),
      si = direct ? 1 : r.pick([1, 1, 1, 2, 3, 5]),
      di = r.pick([1, 1, 2, 3]),
      pi = r.int(0, 2);
    const last = i === nd - 1;
    const o = direct && last ? r.int(8, 17) : r.next() < 0.3 ? 1 : r.int(2, nd === 3 ? 4 : last ? r.pick([7, 8, 9, 12]) : 6);
    // a transposed conv's image is exactly what the outputs reach, plus its output padding
    const reach = (o - 1) * si + di * (ki - 1) + 1 - 2 * pi;
    img.push(Math.max(1, reach + (transposed ? 0 : r.int(0, si - 1))));
    op.push(transposed && reach >= 1 ? r.int(0, Math.max(si, di) - 1) : 0);
    k.push(ki);
    s.push(si);
    p.push(pi);
    d.push(di);
  }
  return convCase(
    { batch: r.int(1, 3), C: groups * Cg, O: groups * Og, groups, img, k, s, p, d, op },
    {
      bias: r.next() < 0.5,
      chunk: r.pick([0, 0, 64, 512, 4096]),
      label: `random${direct ? ", direct-shaped" : ""}${transposed ? ", output padding" : ""}`,
    },
  );
}

/** Fixed cases on both sides of every routing rule, and the issue's failing class. */
function edgeConvs(): ConvCase[] {
  const one = (n: number) => new Array<number>(n).fill(1),
    zero = (n: number) => new Array<number>(n).fill(0);
  const c = (label: string, spec: Parameters<typeof convCase>[0], extra: Partial<ConvCase> = {}) => convCase(spec, { label, ...extra });
  const cases: ConvCase[] = [];
  // depthwise with one output position: tap k's last read is right before tap k+1's first
  for (const Og of [1, 2, 3, 4]) {
    cases.push(c(`depthwise 1-d one output, Og ${Og}`, { batch: 2, C: 3, O: 3 * Og, groups: 3, img: [3], k: [3], s: [1], p: [0], d: [1] }));
    cases.push(
      c(`depthwise 2-d one output, Og ${Og}`, {
        batch: 1,
        C: 2,
        O: 2 * Og,
        groups: 2,
        img: [3, 3],
        k: [3, 3],
        s: [1, 1],
        p: [0, 0],
        d: [1, 1],
      }),
    );
    cases.push(
      c(`depthwise 3-d one output, Og ${Og}`, {
        batch: 1,
        C: 2,
        O: 2 * Og,
        groups: 2,
        img: [2, 2, 2],
        k: [2, 2, 2],
        s: [1, 1, 1],
        p: [0, 0, 0],
        d: [1, 1, 1],
      }),
    );
  }
  // dilation = stride * (L - 1) + 1: adjacent taps along a row of 3 outputs
  cases.push(c("depthwise dilation = stride*(L-1)+1", { batch: 2, C: 2, O: 4, groups: 2, img: [6], k: [2], s: [1], p: [0], d: [3] }));
  cases.push(
    c("depthwise dilation > stride, stride 2", {
      batch: 1,
      C: 3,
      O: 3,
      groups: 3,
      img: [9, 9],
      k: [2, 2],
      s: [2, 2],
      p: [1, 0],
      d: [5, 5],
    }),
  );
  // direct kernels (one group, stride 1): rows of 7 vs 8 outputs, 3 vs 4 outputs/inputs, 7 vs 8 outputs for the weight gradient
  for (const Wd of [7, 8])
    for (const [C, O] of [
      [3, 3],
      [4, 4],
      [3, 8],
      [8, 7],
      [8, 8],
    ] as const) {
      cases.push(
        c(`direct rows ${Wd} C ${C} O ${O}`, { batch: 2, C, O, groups: 1, img: [4, Wd + 2], k: [3, 3], s: [1, 1], p: [0, 0], d: [1, 1] }),
      );
    }
  // a transposed conv's output padding on the direct path's shapes (stride 1, dilation 2-3)
  cases.push(
    c("direct, output padding 1", {
      batch: 1,
      C: 4,
      O: 4,
      groups: 1,
      img: [8 + 3, 9 + 3],
      k: [3, 3],
      s: [1, 1],
      p: [1, 1],
      d: [2, 2],
      op: [1, 1],
    }),
  );
  cases.push(
    c("direct, output padding 2", {
      batch: 2,
      C: 4,
      O: 8,
      groups: 1,
      img: [8 + 3, 9 + 3],
      k: [2, 2],
      s: [1, 1],
      p: [0, 0],
      d: [3, 3],
      op: [2, 0],
    }),
  );
  // padding wider than the dilated kernel: the input gradient leaves the direct kernel
  cases.push(c("direct, padding > dilation*(k-1)", { batch: 1, C: 4, O: 4, groups: 1, img: [10], k: [2], s: [1], p: [2], d: [1] }));
  // the 1 MiB weight rule: 64*64*64 floats is exactly 1 MiB, one tap more is over
  for (const k of [64, 65])
    cases.push(
      c(
        `direct weight ${k === 64 ? "=" : ">"} 1 MiB`,
        { batch: 1, C: 64, O: 64, groups: 1, img: [k + 7], k: [k], s: [1], p: [0], d: [1] },
        { bias: false },
      ),
    );
  // chunks: tiny chunks cut runs everywhere; stride > kernel skips input
  for (const chunk of [32, 96, 1 << 20])
    cases.push(
      c(
        `gemm chunks ${chunk} B, stride > kernel`,
        { batch: 2, C: 3, O: 5, groups: 1, img: [11, 13], k: [2, 2], s: [3, 4], p: [1, 1], d: [1, 1] },
        { chunk },
      ),
    );
  // thread splits (>= 6 MFLOP) on the GEMM, direct and depthwise paths, 1 and 2 threads
  for (const threads of [1, 2]) {
    cases.push(
      c(
        `gemm split, ${threads} threads`,
        { batch: 8, C: 16, O: 16, groups: 1, img: [32, 32], k: [3, 3], s: [2, 2], p: [1, 1], d: [1, 1] },
        { threads },
      ),
    );
    cases.push(
      c(
        `direct split, ${threads} threads`,
        { batch: 8, C: 16, O: 16, groups: 1, img: [16, 16], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
        { threads },
      ),
    );
    cases.push(
      c(
        `depthwise split, ${threads} threads`,
        { batch: 12, C: 32, O: 64, groups: 32, img: [24, 24], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
        { threads },
      ),
    );
    cases.push(
      c(
        `grouped split, ${threads} threads`,
        { batch: 9, C: 16, O: 32, groups: 4, img: [10, 10, 10], k: [2, 2, 2], s: [1, 1, 1], p: zero(3), d: one(3) },
        { threads },
      ),
    );
  }
  return cases;
}

/** Run a case's four conv kernels on both backends and compare. */
function checkConv(r: Rng, cs: ConvCase): void {
  const { g, groups, O } = cs;
  const C = g.channels,
    P = numel(g.imgSize),
    K = numel(g.kernel),
    L = numel(g.colSize),
    N = g.batch;
  const what = `${cs.label} ${JSON.stringify({ ...g, groups, O })}`;
  const x = r.f32(N * C * P),
    w = r.f32(O * (C / groups) * K),
    dy = r.f32(N * O * L),
    b = cs.bias ? r.f32(O) : null;
  const prevChunk = cs.chunk ? setChunkBytes(cs.chunk) : 0;
  W.setThreads(cs.threads);
  try {
    const want = nan(N * O * L),
      got = nan(N * O * L),
      scale = new Float32Array(N * O * L);
    R.convForward(x, w, b, want, g, groups, O);
    R.convForward(abs(x), abs(w), b && abs(b), scale, g, groups, O);
    W.convForward(x, w, b, got, g, groups, O);
    close(got, want, scale, `forward ${what}`);
    // the input gradient is also a transposed conv's forward
    const dxWant = nan(N * C * P),
      dxGot = nan(N * C * P),
      dxScale = new Float32Array(N * C * P);
    R.convBackwardInput(dy, w, dxWant, g, groups, O);
    R.convBackwardInput(abs(dy), abs(w), dxScale, g, groups, O);
    W.convBackwardInput(dy, w, dxGot, g, groups, O);
    close(dxGot, dxWant, dxScale, `input gradient ${what}`);
    const dwWant = nan(w.length),
      dwGot = nan(w.length),
      dwScale = new Float32Array(w.length);
    R.convBackwardWeight(x, dy, dwWant, g, groups, O);
    R.convBackwardWeight(abs(x), abs(dy), dwScale, g, groups, O);
    W.convBackwardWeight(x, dy, dwGot, g, groups, O);
    close(dwGot, dwWant, dwScale, `weight gradient ${what}`);
    const dx2 = nan(N * C * P),
      dw2 = nan(w.length);
    W.convBackward(x, w, dy, dx2, dw2, g, groups, O);
    close(dx2, dxWant, dxScale, `fused backward dx ${what}`);
    close(dw2, dwWant, dwScale, `fused backward dw ${what}`);
  } finally {
    if (cs.chunk) setChunkBytes(prevChunk);
    W.setThreads(1);
  }
}

/** Windows of a strided pool (start o*s - p, k taps dilated by d; ceil mode's last window runs past the input) or an adaptive one. */
function poolGeometry(r: Rng, adaptive: boolean): PoolGeometry {
  const nd = r.pick([1, 2, 2, 3]);
  const planes = r.pick([1, 3, 4, 5, 8, 9]);
  const inSize: number[] = [],
    outSize: number[] = [],
    start: Int32Array[] = [],
    count: Int32Array[] = [],
    dilation: number[] = [];
  for (let i = 0; i < nd; i++) {
    if (adaptive) {
      const n = r.int(1, nd === 3 ? 5 : 9),
        o = r.int(1, n + 2);
      inSize.push(n);
      outSize.push(o);
      dilation.push(1);
      start.push(Int32Array.from({ length: o }, (_, j) => Math.floor((j * n) / o)));
      count.push(Int32Array.from({ length: o }, (_, j) => Math.ceil(((j + 1) * n) / o) - Math.floor((j * n) / o)));
      continue;
    }
    const k = r.int(1, 4),
      s = r.pick([1, 2, 3, 5]),
      d = r.pick([1, 1, 2, 3]),
      p = r.int(0, Math.floor(k / 2));
    const o = r.next() < 0.3 ? 1 : r.int(2, nd === 3 ? 4 : 7);
    const n = Math.max(1, (o - 1) * s + d * (k - 1) + 1 - 2 * p + r.int(0, s - 1));
    // ceil mode (PyTorch's rule): one more window where it still starts inside the input or left padding
    const ceil = r.next() < 0.3 && outLen(n + s - 1, k, s, p, d) > outLen(n, k, s, p, d) && outLen(n, k, s, p, d) * s < n + p;
    const out = outLen(n, k, s, p, d) + (ceil ? 1 : 0);
    inSize.push(n);
    outSize.push(out);
    dilation.push(d);
    start.push(Int32Array.from({ length: out }, (_, j) => j * s - p));
    count.push(new Int32Array(out).fill(k));
  }
  return { planes, inSize, outSize, start, count, dilation };
}

/** Each window's input count on |x| = 1 everywhere: the avg pools' error scale. */
function checkPool(r: Rng, g: PoolGeometry): void {
  const P = numel(g.inSize),
    O = numel(g.outSize),
    n = g.planes;
  const what = JSON.stringify({ ...g, start: g.start.map((a) => Array.from(a)), count: g.count.map((a) => Array.from(a)) });
  // small integers (ties), -0 and +0, and the odd NaN: max must pick the reference's element
  const x = Float32Array.from({ length: n * P }, () => (r.next() < 0.03 ? NaN : r.next() < 0.1 ? -0 : r.int(-3, 3)));
  const vWant = nan(n * O),
    vGot = nan(n * O),
    iWant = new Int32Array(n * O).fill(-1),
    iGot = new Int32Array(n * O).fill(-1);
  R.maxPool(x, vWant, iWant, g);
  W.maxPool(x, vGot, iGot, g);
  assert.deepEqual(Array.from(iGot), Array.from(iWant), `maxPool indices ${what}`);
  vWant.forEach((v, i) => {
    if (!Object.is(vGot[i], v)) assert.fail(`maxPool [${i}] ${vGot[i]} vs ${v} ${what}`);
  });
  const xs = r.f32(n * P),
    divisor = Float64Array.from({ length: O }, () => r.int(1, 9));
  const aWant = nan(n * O),
    aGot = nan(n * O),
    aScale = new Float32Array(n * O);
  R.avgPool(xs, aWant, divisor, g);
  R.avgPool(abs(xs), aScale, divisor, g);
  W.avgPool(xs, aGot, divisor, g);
  close(aGot, aWant, aScale, `avgPool ${what}`);
  const dy = r.f32(n * O),
    dWant = new Float32Array(n * P),
    dGot = new Float32Array(n * P),
    dScale = new Float32Array(n * P);
  R.avgPoolBackward(dy, dWant, divisor, g);
  R.avgPoolBackward(abs(dy), dScale, divisor, g);
  W.avgPoolBackward(dy, dGot, divisor, g);
  close(dGot, dWant, dScale, `avgPoolBackward ${what}`);
}

function checkMatmul(r: Rng, m: number, n: number, k: number, threads: number): void {
  const transA = r.next() < 0.5,
    transB = r.next() < 0.5,
    batch = r.int(1, 2);
  const aStride = r.next() < 0.3 ? 0 : m * k,
    bStride = r.next() < 0.5 ? 0 : k * n;
  const g: MatmulGeometry = { batch, m, k, n, aBatchStride: aStride, bBatchStride: bStride, transA, transB };
  const a = r.f32(aStride ? batch * m * k : m * k),
    b = r.f32(bStride ? batch * k * n : k * n),
    bias = r.next() < 0.5 ? r.f32(n) : null;
  const want = nan(batch * m * n),
    got = nan(batch * m * n),
    scale = new Float32Array(batch * m * n);
  R.matmul(a, b, want, g, bias);
  R.matmul(abs(a), abs(b), scale, g, bias && abs(bias));
  W.setThreads(threads);
  try {
    W.matmul(a, b, got, g, bias);
  } finally {
    W.setThreads(1);
  }
  close(got, want, scale, `matmul ${JSON.stringify({ ...g, bias: !!bias, threads })}`);
}

describe("wasm kernels against the reference, bounds-checked", { skip }, () => {
  after(() => W?.closeThreads());

  it("runs the checked build, which traps a stray load or a store into an input", () => {
    assert.equal(W.runtime.checked, true);
    const a = W.arena,
      ex = W.runtime.exports;
    a.reset();
    const px = a.copyIn(new Float32Array(10).fill(-1), true),
      po = a.alloc(40);
    ex.relu(px, po, 10);
    assert.deepEqual(Array.from(a.f32(po, 10)), new Array(10).fill(0));
    assert.throws(() => ex.relu(px, po, 11), /relu.*outside its operands: a (load|store) of 4 bytes at/);
    assert.throws(() => ex.relu(px, px, 10), /relu.*outside its operands: a store/);
    assert.throws(() => ex.relu(po, po + 64, 4), /relu.*outside its operands: a store of 16 bytes/);
  });

  it("convolutions: forward, input gradient (transposed forward), weight gradient and both, on the routing edges and 400 random geometries", (t) => {
    const r = rng(13 + SEED);
    const cases = [...edgeConvs(), ...Array.from({ length: 400 * SCALE }, () => randomConv(r))];
    const routes = new Map<string, number>();
    for (const cs of cases) {
      const { g, groups, O } = cs,
        K = numel(g.kernel),
        Cg = g.channels / groups;
      const route = Cg === 1 && O / groups < 4 ? "depthwise" : useDirect(g, groups, O, O * Cg * K) ? "direct" : "gemm";
      const wRoute = route === "depthwise" ? route : useDirectWeight(g, groups, O) ? "direct" : "gemm";
      routes.set(`${route}/${wRoute}`, (routes.get(`${route}/${wRoute}`) ?? 0) + 1);
      if (numel(g.colSize) === 1) routes.set("one output", (routes.get("one output") ?? 0) + 1);
      checkConv(r, cs);
    }
    t.diagnostic(`${cases.length} geometries; forward/weight routes: ${[...routes].map(([k, v]) => `${k} ${v}`).join(", ")}`);
    for (const need of ["depthwise/depthwise", "direct/direct", "gemm/gemm", "gemm/direct", "one output"])
      assert.ok(routes.get(need)! > 0, `no case took ${need}`);
  });

  it("pooling: max (values and indices), avg and its backward, strided and adaptive, 1-3 dims (300 geometries)", () => {
    const r = rng(7 + SEED);
    for (let i = 0; i < 300 * SCALE; i++) checkPool(r, poolGeometry(r, i % 3 === 2));
  });

  it("maxPool 2x2 stride 2 (maxPool2x2): rows of 4k and 4k + 2 outputs, odd sizes, one output row, and the near misses that keep the tables", () => {
    const r = rng(SEED + 11);
    // as ops/pool.ts builds them: window j starts at 2j - p and covers 2 positions, those outside the input skipped
    const windows = (p: number, out: number) => ({
      start: Int32Array.from({ length: out }, (_, j) => 2 * j - p),
      count: new Int32Array(out).fill(2),
    });
    let fast = 0;
    for (const [planes, H, Wd] of [
      [1, 2, 4],
      [3, 2, 4],
      [1, 3, 5],
      [2, 4, 4],
      [5, 4, 4],
      [3, 7, 9],
      [4, 8, 8],
      [1, 5, 13],
      [3, 6, 12],
      [2, 9, 17],
      [3, 13, 10],
      [1, 2, 16],
      [7, 3, 20],
      [2, 4, 6],
    ] as const) {
      for (const [pad, ceil] of [
        [0, false],
        [0, true],
        [1, false],
      ] as const) {
        const OH = Math.floor((H + 2 * pad - 2) / 2) + 1 + (ceil && H % 2 === 1 ? 1 : 0),
          OW = Math.floor((Wd + 2 * pad - 2) / 2) + 1 + (ceil && Wd % 2 === 1 ? 1 : 0);
        const h = windows(pad, OH),
          w = windows(pad, OW);
        const g: PoolGeometry = {
          planes,
          inSize: [H, Wd],
          outSize: [OH, OW],
          start: [h.start, w.start],
          count: [h.count, w.count],
          dilation: [1, 1],
        };
        // the fast path exactly when every window is whole and the rows hold an even count
        assert.equal(
          useMaxPool2x2(g),
          pad === 0 && (!ceil || (H % 2 === 0 && Wd % 2 === 0)) && OW % 2 === 0,
          JSON.stringify([planes, H, Wd, pad, ceil]),
        );
        if (useMaxPool2x2(g)) fast++;
        checkPool(r, g);
      }
    }
    assert.ok(fast >= 12, `${fast} geometries took maxPool2x2`);
  });

  it("matmul: transpose flags, bias, broadcast batches, tile and block edges, one and two threads (60 products)", () => {
    const r = rng(3 + SEED);
    const dims = [1, 3, 4, 5, 8, 9, 17, 33];
    for (let i = 0; i < 50 * SCALE; i++) checkMatmul(r, r.pick(dims), r.pick(dims), r.pick([...dims, 255, 256, 257]), 1);
    // blocks (K 256, M 128, N 1024) and the 6 MFLOP thread split, wide and tall
    for (const [m, n, k] of [
      [129, 1030, 24],
      [130, 40, 600],
      [40, 300, 257],
      [300, 64, 200],
      [7, 8, 3],
    ] as const)
      for (const threads of [1, 2]) checkMatmul(r, m, n, k, threads);
  });

  it("float32 sums, elementwise arithmetic, relu and logSoftmax on both sides of their wasm thresholds", () => {
    const r = rng(5);
    for (const [outer, size, inner] of [
      [1, 4096, 1],
      [512, 8, 1],
      [511, 8, 1],
      [585, 7, 1],
      [3, 9, 171],
      [2, 1024, 2],
      [7, 3, 200],
      [1, 4095, 1],
      [64, 1, 64],
    ] as const) {
      const x = r.f32(outer * size * inner, 10),
        want = nan(outer * inner),
        got = nan(outer * inner),
        scale = new Float32Array(outer * inner);
      R.reduce("sum", x, outer, size, inner, want);
      R.reduce("sum", abs(x), outer, size, inner, scale);
      W.reduce("sum", x, outer, size, inner, got);
      close(got, want, scale, `sum ${[outer, size, inner]}`, 1e-6);
      const ls = nan(x.length),
        lw = nan(x.length);
      R.logSoftmax(x, ls, outer, size, inner);
      W.logSoftmax(x, lw, outer, size, inner);
      close(lw, ls, null, `logSoftmax ${[outer, size, inner]}`, 1e-5);
    }
    for (const n of [4095, 4096, 4099, 8192 + 5, 8192 + 3]) {
      const a = r.f32(n),
        b = r.f32(n);
      // b the same length, a scalar, or (n = rows * cols) one row repeated over the rows
      const cols = [1, 3, 5, 7].map((q) => n / q).find((c) => Number.isInteger(c) && c < n) ?? 0;
      const shapes: [Float32Array, number[], number[]][] = [
        [b, [n], [n]],
        [b.subarray(0, 1), [1], [n]],
      ];
      if (cols) shapes.push([b.subarray(0, cols), [cols], [n / cols, cols]]);
      for (const op of ["add", "sub", "mul", "div", "reluGrad"] as const) {
        for (const [bb, bShape, outShape] of op === "reluGrad" ? shapes.slice(0, 1) : shapes) {
          const want = nan(n),
            got = nan(n);
          R.binary(op, a, outShape, bb, bShape, want, outShape);
          W.binary(op, a, outShape, bb, bShape, got, outShape);
          assert.deepEqual(got, want, `${op} n ${n} b ${bShape}`);
        }
      }
      const want = nan(n),
        got = nan(n);
      R.unary("relu", a, want);
      W.unary("relu", a, got);
      assert.deepEqual(got, want, `relu n ${n}`);
    }
  });

  it("scatterAdd along the last dim (float32 rows), with repeated indices", () => {
    const r = rng(11 + SEED);
    for (let i = 0; i < 40 * SCALE; i++) {
      const rows = r.int(1, 6),
        size = r.int(1, 9),
        m = r.int(1, 12);
      const index = Int32Array.from({ length: rows * m }, () => r.int(0, size - 1)),
        src = r.f32(rows * m),
        base = r.f32(rows * size);
      const want = base.slice(),
        got = base.slice();
      R.scatterAdd(want, [rows, size], 1, index, [rows, m], src, [rows, m]);
      W.scatterAdd(got, [rows, size], 1, index, [rows, m], src, [rows, m]);
      close(got, want, null, `scatterAdd ${[rows, size, m]}`, 1e-6);
    }
  });

  it("indexSelect along any dim, float32 and int32, x in linear memory or on the host, repeated indices", () => {
    const r = rng(23 + SEED);
    const heap = W.arena.heap;
    let viaWasm = 0;
    for (let i = 0; i < 60 * SCALE; i++) {
      const outer = r.int(1, 5),
        size = r.int(1, 9),
        inner = r.pick([1, 1, 2, 3, 8, 17]),
        m = r.int(1, 12);
      const int = r.next() < 0.5,
        resident = r.next() < 0.5;
      const vals = r.f32(outer * size * inner, 100);
      const host = int ? Int32Array.from(vals, Math.round) : vals;
      const block = resident ? heap.allocResident(int ? "int32" : "float32", host.length, false) : null;
      const x = block ? block.hostView() : host;
      if (block) x.set(host);
      const index = Int32Array.from({ length: m }, () => r.int(0, size - 1));
      const n = outer * m * inner;
      const want = int ? new Int32Array(n).fill(-7) : nan(n),
        got = want.slice();
      if (heap.owns(x) || x.length <= n) viaWasm++;
      R.indexSelect(x, outer, size, inner, index, want);
      W.indexSelect(x, outer, size, inner, index, got);
      assert.deepEqual(got, want, `indexSelect ${int ? "int32" : "float32"} ${[outer, size, inner, m]}${block ? " resident" : ""}`);
      if (block) heap.releaseNow(block);
    }
    assert.ok(viaWasm >= 20, `the wasm route ran ${viaWasm} of the cases`);
  });

  it("LSTM and GRU cells and their gradients (H % 4 = 0 in wasm, others the reference)", () => {
    const r = rng(17);
    for (const [B, H] of [
      [1, 4],
      [3, 8],
      [5, 12],
      [2, 20],
      [2, 6],
    ] as const) {
      const S = B * H,
        rel = 3e-5;
      const gates = r.f32(4 * S, 3),
        c = r.f32(S, 2);
      const c1 = [nan(S), nan(S)],
        h1 = [nan(S), nan(S)];
      R.lstmCell(gates, c, c1[0]!, h1[0]!, B, H);
      W.lstmCell(gates, c, c1[1]!, h1[1]!, B, H);
      close(c1[1]!, c1[0]!, null, `lstmCell c1 ${B} ${H}`, rel, 1e-5);
      close(h1[1]!, h1[0]!, null, `lstmCell h1 ${B} ${H}`, rel, 1e-5);
      const dh1 = r.f32(S),
        dc1 = r.f32(S),
        dg = [nan(4 * S), nan(4 * S)],
        dc = [nan(S), nan(S)];
      R.lstmCellBackward(gates, c, c1[0]!, dh1, dc1, dg[0]!, dc[0]!, B, H);
      W.lstmCellBackward(gates, c, c1[0]!, dh1, dc1, dg[1]!, dc[1]!, B, H);
      close(dg[1]!, dg[0]!, null, `lstmCellBackward dgates ${B} ${H}`, rel, 1e-5);
      close(dc[1]!, dc[0]!, null, `lstmCellBackward dc ${B} ${H}`, rel, 1e-5);
      const xg = r.f32(3 * S, 3),
        hg = r.f32(3 * S, 3),
        h = r.f32(S),
        g1 = [nan(S), nan(S)];
      R.gruCell(xg, hg, h, g1[0]!, B, H);
      W.gruCell(xg, hg, h, g1[1]!, B, H);
      close(g1[1]!, g1[0]!, null, `gruCell ${B} ${H}`, rel, 1e-5);
      const dxg = [nan(3 * S), nan(3 * S)],
        dhg = [nan(3 * S), nan(3 * S)],
        dh = [nan(S), nan(S)];
      R.gruCellBackward(xg, hg, h, dh1, dxg[0]!, dhg[0]!, dh[0]!, B, H);
      W.gruCellBackward(xg, hg, h, dh1, dxg[1]!, dhg[1]!, dh[1]!, B, H);
      close(dxg[1]!, dxg[0]!, null, `gruCellBackward dxg ${B} ${H}`, rel, 1e-5);
      close(dhg[1]!, dhg[0]!, null, `gruCellBackward dhg ${B} ${H}`, rel, 1e-5);
      close(dh[1]!, dh[0]!, null, `gruCellBackward dh ${B} ${H}`, rel, 1e-5);
    }
  });

  it("LSTM and GRU sequences forward and backward, both directions, one and two threads (batch split above 6 MFLOP)", () => {
    const r = rng(19);
    const cases: [number, number, number, number][] = [
      [1, 1, 4, 1],
      [3, 2, 8, 1],
      [5, 5, 12, 1],
      [2, 7, 16, 1],
      [4, 3, 6, 1],
      [8, 8, 128, 1],
      [8, 8, 128, 2],
      [3, 13, 64, 2],
    ];
    for (const [T, B, H, threads] of cases) {
      for (const reverse of [false, true]) {
        const S = B * H,
          what = `T ${T} B ${B} H ${H} reverse ${reverse} threads ${threads}`,
          rel = 2e-4;
        W.setThreads(threads);
        try {
          const xg = r.f32(T * B * 4 * H),
            h0 = r.f32(S),
            c0 = r.f32(S),
            w = r.f32(4 * H * H, 1 / Math.sqrt(H));
          const out = [nan(2 * T * S), nan(2 * T * S)],
            gates = [nan(T * B * 4 * H), nan(T * B * 4 * H)];
          R.lstmSequence(xg, h0, c0, w, out[0]!, gates[0]!, T, B, H, reverse);
          W.lstmSequence(xg, h0, c0, w, out[1]!, gates[1]!, T, B, H, reverse);
          close(out[1]!, out[0]!, null, `lstmSequence out ${what}`, rel, 1e-5);
          close(gates[1]!, gates[0]!, null, `lstmSequence gates ${what}`, rel, 1e-5);
          const gOut = r.f32(2 * T * S),
            dxg = [nan(xg.length), nan(xg.length)],
            dh0 = [nan(S), nan(S)],
            dc0 = [nan(S), nan(S)],
            dw = [nan(w.length), nan(w.length)];
          for (const [i, K] of [
            [0, R],
            [1, W],
          ] as const)
            K.lstmSequenceBackward(w, gates[0]!, out[0]!, h0, c0, gOut, dxg[i]!, dh0[i]!, dc0[i]!, dw[i]!, T, B, H, reverse);
          close(dxg[1]!, dxg[0]!, null, `lstmSequenceBackward dxg ${what}`, rel, 1e-5);
          close(dh0[1]!, dh0[0]!, null, `lstmSequenceBackward dh0 ${what}`, rel, 1e-5);
          close(dc0[1]!, dc0[0]!, null, `lstmSequenceBackward dc0 ${what}`, rel, 1e-5);
          close(dw[1]!, dw[0]!, null, `lstmSequenceBackward dw ${what}`, 1e-3, 1e-4);
          const gx = r.f32(T * B * 3 * H),
            gw = r.f32(3 * H * H, 1 / Math.sqrt(H)),
            gb = r.next() < 0.5 ? r.f32(3 * H) : null;
          const gOutS = [nan(T * S), nan(T * S)],
            hg = [nan(T * B * 3 * H), nan(T * B * 3 * H)];
          R.gruSequence(gx, h0, gw, gb, gOutS[0]!, hg[0]!, T, B, H, reverse);
          W.gruSequence(gx, h0, gw, gb, gOutS[1]!, hg[1]!, T, B, H, reverse);
          close(gOutS[1]!, gOutS[0]!, null, `gruSequence out ${what}`, rel, 1e-5);
          close(hg[1]!, hg[0]!, null, `gruSequence hg ${what}`, rel, 1e-5);
          const gg = r.f32(T * S),
            gdx = [nan(gx.length), nan(gx.length)],
            gdh0 = [nan(S), nan(S)],
            gdw = [nan(gw.length), nan(gw.length)];
          const gdb = gb ? [nan(3 * H), nan(3 * H)] : [null, null];
          for (const [i, K] of [
            [0, R],
            [1, W],
          ] as const)
            K.gruSequenceBackward(gx, gw, hg[0]!, gOutS[0]!, h0, gg, gdx[i]!, gdh0[i]!, gdw[i]!, gdb[i]!, T, B, H, reverse);
          close(gdx[1]!, gdx[0]!, null, `gruSequenceBackward dxg ${what}`, rel, 1e-5);
          close(gdh0[1]!, gdh0[0]!, null, `gruSequenceBackward dh0 ${what}`, rel, 1e-5);
          close(gdw[1]!, gdw[0]!, null, `gruSequenceBackward dw ${what}`, 1e-3, 1e-4);
          if (gb) close(gdb[1]!, gdb[0]!, null, `gruSequenceBackward db ${what}`, 1e-3, 1e-4);
        } finally {
          W.setThreads(1);
        }
      }
    }
  });
});
