// The wasm backend's own checks. The fixture suite and every other test also run on it (the test
// runner runs the suite once per backend); these cover what the fixtures cannot reach: blocking
// edges of the GEMM, the committed binary matching its sources, and memory that stays flat.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import * as tl from "../../index.js";
import { referenceBackend } from "../reference/index.js";
import { loadWasmBackend, type WasmBackend } from "./index.js";
import {
  capRows,
  chunkedRuns,
  convRuns,
  samplesPerProduct,
  setChunkBytes,
  setDirectWeightSamples,
  setFusedBackward,
  useDirect,
  useDirectWeight,
  useDirectWeightSamples,
} from "./conv.js";
import { MAX_ROWS } from "./threads.js";
import { kernels } from "../index.js";
import type { OptimStep } from "../backend.js";
import { RUN_ONCE } from "../../../test/support/runOnce.js";

const wasm = loadWasmBackend() as WasmBackend;

function randomF32(n: number, seed: number): Float32Array {
  const g = new tl.Generator(seed);
  return tl.randn([n], { generator: g }).storage as Float32Array;
}

/**
 * Compare a conv's results with the reference's: 1e-5 relative, plus for weight gradients (which
 * sum batch * L products in float32, with cancellation) 1e-6 of the sum of the terms' magnitudes.
 */
function convClose(
  x: Float32Array,
  dy: Float32Array,
  g: Parameters<typeof referenceBackend.convBackwardWeight>[3],
  groups: number,
  O: number,
  wLength: number,
) {
  const dwScale = new Float32Array(wLength);
  referenceBackend.convBackwardWeight(x.map(Math.abs), dy.map(Math.abs), dwScale, g, groups, O);
  return (got: Float32Array, ref: Float32Array, what: string): void =>
    ref.forEach((v, i) => {
      const tol = 1e-5 * (1 + Math.abs(v)) + (/\bdw\b/.test(what) ? 1e-6 * dwScale[i]! : 0);
      assert.ok(Math.abs(got[i]! - v) <= tol, `${what}[${i}]: ${got[i]} vs ${v}`);
    });
}

describe("wasm backend", () => {
  it("loads in Node with SIMD, and is the default backend", () => {
    assert.ok(wasm && !(wasm instanceof Promise));
    assert.ok(tl.availableBackends().includes("wasm"));
    if (!process.env.TENSORLOOM_BACKEND) assert.equal(tl.getBackend(), "wasm");
  });

  it("loads the fused multiply-add kernels on Node 20+ unless TENSORLOOM_WASM_FMA=0, and a plain-SIMD process gets the same products within float32 rounding", () => {
    const fma = process.env.TENSORLOOM_WASM_FMA !== "0";
    assert.equal(wasm.runtime.relaxed, fma);
    // the other variant, in a child process: same 37x300 @ 300x45 product, compared here
    const script = `import { loadWasmBackend } from "./src/backends/wasm/index.ts";
      const w = loadWasmBackend(); const m = 37, k = 300, n = 45;
      const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)), b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
      const out = new Float32Array(m * n); w.matmul(a, b, out, { batch: 1, m, k, n, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false });
      console.log(JSON.stringify({ relaxed: w.runtime.relaxed, out: Array.from(out) }));`;
    const run = (flag: string) => {
      const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        encoding: "utf8",
        env: { ...process.env, TENSORLOOM_WASM_FMA: flag },
      });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { relaxed: boolean; out: number[] };
    };
    const withFma = run("1"),
      plain = run("0");
    assert.equal(withFma.relaxed, true);
    assert.equal(plain.relaxed, false);
    // one rounding per multiply-add instead of two: close, and not always the same bits
    withFma.out.forEach((v, i) => assert.ok(Math.abs(v - plain.out[i]!) <= 1e-5 * (1 + Math.abs(v)), `[${i}] ${v} vs ${plain.out[i]}`));
  });

  // compiling every kernel takes ~10 s and does not depend on the configuration: once
  it("src/backends/wasm/binary.ts is what the AssemblyScript sources compile to", {
    skip: !RUN_ONCE && "checked once, in the wasm configuration",
  }, () => {
    const r = spawnSync(process.execPath, ["scripts/buildWasm.mjs", "--check"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr + r.stdout);
  });

  // sizes straddle the micro-tile (4 x 8) and the K (256), M (128) and N (1024) blocks
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 1],
    [5, 9, 257],
    [129, 17, 300],
    [7, 1030, 33],
    [64, 64, 0],
  ];
  for (const [m, n, k] of shapes) {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`matmul ${m}x${k} @ ${k}x${n} (transA ${transA}, transB ${transB}) matches the reference within float32 rounding`, () => {
        const batch = 2;
        const a = randomF32(batch * m * k, m * 7 + k),
          b = randomF32(k * n, n * 13 + k);
        const g = { batch, m, k, n, aBatchStride: m * k, bBatchStride: 0, transA, transB };
        const want = new Float32Array(batch * m * n).fill(NaN),
          got = new Float32Array(batch * m * n).fill(NaN);
        referenceBackend.matmul(a, b, want, g);
        wasm.matmul(a, b, got, g);
        for (let i = 0; i < want.length; i++) {
          // float32 sums of k products: the error bound grows with k
          assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-6 * (k + 1) * (1 + Math.abs(want[i]!)), `C[${i}] = ${got[i]} vs ${want[i]}`);
        }
      });
    }
  }

  it("float64 and integer matmuls take the reference kernel (exact)", () => {
    const a = tl.randn([3, 4], { dtype: "float64" }),
      b = tl.randn([4, 2], { dtype: "float64" });
    const want = new Float64Array(6),
      got = new Float64Array(6);
    const g = { batch: 1, m: 3, k: 4, n: 2, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false };
    referenceBackend.matmul(a.storage, b.storage, want, g);
    wasm.matmul(a.storage, b.storage, got, g);
    assert.deepEqual(got, want);
  });
});

describe("wasm fused recurrent cells match the reference kernels", () => {
  // the reference computes in float64 and rounds once; the wasm kernels use f32x4 polynomials
  // (exp, tanh) accurate to a few float32 ulps, so compare within 5e-6 relative to the value's size
  const close = (got: Float32Array, want: Float32Array, what: string): void => {
    for (let i = 0; i < want.length; i++)
      assert.ok(Math.abs(got[i]! - want[i]!) <= 5e-6 * (1 + Math.abs(want[i]!)), `${what}[${i}] = ${got[i]} vs ${want[i]}`);
  };
  for (const H of [4, 8, 128]) {
    const B = 3;
    // gate pre-activations across the saturating range (|x| up to 24) and near 0
    const spread = (n: number, seed: number): Float32Array =>
      randomF32(n, seed).map((v, i) => (i % 3 === 0 ? v * 8 : i % 3 === 1 ? v * 1e-3 : v));
    it(`LSTM cell forward and backward, H = ${H}`, () => {
      const gates = spread(B * 4 * H, H),
        c = spread(B * H, H + 1),
        dh = randomF32(B * H, H + 2),
        dc = randomF32(B * H, H + 3);
      const outs = [0, 1].map(() => ({
        c1: new Float32Array(B * H),
        h1: new Float32Array(B * H),
        dg: new Float32Array(B * 4 * H),
        dcPrev: new Float32Array(B * H),
      }));
      [referenceBackend, wasm].forEach((k, n) => {
        const o = outs[n]!;
        k.lstmCell(gates, c, o.c1, o.h1, B, H);
        k.lstmCellBackward(gates, c, outs[0]!.c1, dh, dc, o.dg, o.dcPrev, B, H);
      });
      close(outs[1]!.c1, outs[0]!.c1, "c1");
      close(outs[1]!.h1, outs[0]!.h1, "h1");
      close(outs[1]!.dg, outs[0]!.dg, "dgates");
      close(outs[1]!.dcPrev, outs[0]!.dcPrev, "dc");
    });
    it(`GRU cell forward and backward, H = ${H}`, () => {
      const xg = spread(B * 3 * H, H + 4),
        hg = spread(B * 3 * H, H + 5),
        h = randomF32(B * H, H + 6),
        dh1 = randomF32(B * H, H + 7);
      const outs = [0, 1].map(() => ({
        h1: new Float32Array(B * H),
        dxg: new Float32Array(B * 3 * H),
        dhg: new Float32Array(B * 3 * H),
        dh: new Float32Array(B * H),
      }));
      [referenceBackend, wasm].forEach((k, n) => {
        const o = outs[n]!;
        k.gruCell(xg, hg, h, o.h1, B, H);
        k.gruCellBackward(xg, hg, h, dh1, o.dxg, o.dhg, o.dh, B, H);
      });
      close(outs[1]!.h1, outs[0]!.h1, "h1");
      close(outs[1]!.dxg, outs[0]!.dxg, "dxg");
      close(outs[1]!.dhg, outs[0]!.dhg, "dhg");
      close(outs[1]!.dh, outs[0]!.dh, "dh");
    });
  }
});

describe("wasm worker threads", () => {
  it("a product split across 2 threads equals the single-thread one bit for bit (each element has one owner)", async () => {
    const run = (threads: number, transB: boolean): Float32Array => {
      wasm.setThreads(threads);
      const m = 67,
        k = 300,
        n = 530;
      const a = randomF32(m * k, 1),
        b = randomF32(k * n, 2),
        out = new Float32Array(m * n);
      wasm.matmul(a, b, out, { batch: 1, m, k, n, aBatchStride: 0, bBatchStride: 0, transA: false, transB });
      return out;
    };
    for (const transB of [false, true]) assert.deepEqual(run(2, transB), run(1, transB));
    await wasm.closeThreads();
  });
  it("convolution forward, input and weight gradients split over samples match one thread", async () => {
    // 2 * N * O * (C/groups * K) * L = 10.6 MFLOP: above the size where the pool is used
    const g = {
      batch: 7,
      channels: 16,
      imgSize: [24, 24],
      kernel: [3, 3],
      stride: [1, 1],
      padding: [1, 1],
      dilation: [1, 1],
      colSize: [24, 24],
    };
    const O = 18,
      groups = 2;
    const x = randomF32(7 * 16 * 576, 3),
      w = randomF32(O * 8 * 9, 4),
      dy = randomF32(7 * O * 576, 5),
      bias = randomF32(O, 6);
    const run = (threads: number) => {
      wasm.setThreads(threads);
      const out = new Float32Array(7 * O * 576),
        dx = new Float32Array(x.length),
        dw = new Float32Array(w.length);
      wasm.convForward(x, w, bias, out, g, groups, O);
      wasm.convBackwardInput(dy, w, dx, g, groups, O);
      wasm.convBackwardWeight(x, dy, dw, g, groups, O);
      const fdx = new Float32Array(x.length),
        fdw = new Float32Array(w.length);
      wasm.convBackward(x, w, dy, fdx, fdw, g, groups, O);
      return { out, dx, dw, fdx, fdw };
    };
    const one = run(1),
      two = run(2);
    // the fused backward is the two kernels in one pass: dx the same bits, dw the same sums
    assert.deepEqual(one.fdx, one.dx);
    assert.deepEqual(one.fdw, one.dw);
    assert.deepEqual(two.fdx, one.dx);
    two.fdw.forEach((v, i) => assert.ok(Math.abs(v - one.dw[i]!) <= 1e-5 * (1 + Math.abs(one.dw[i]!)), `fused dw[${i}]`));
    assert.deepEqual(two.out, one.out);
    assert.deepEqual(two.dx, one.dx);
    // partial sums per thread: the same terms added in another order
    two.dw.forEach((v, i) => assert.ok(Math.abs(v - one.dw[i]!) <= 1e-5 * (1 + Math.abs(one.dw[i]!)), `dw[${i}]`));
    const want = new Float32Array(one.out.length);
    referenceBackend.convForward(x, w, bias, want, g, groups, O);
    want.forEach((v, i) => assert.ok(Math.abs(v - one.out[i]!) <= 1e-5 * (1 + Math.abs(v)), `out[${i}]`));
    await wasm.closeThreads();
  });
});

describe("wasm convolutions lowered a chunk of output positions at a time", () => {
  const geometry = (
    batch: number,
    channels: number,
    img: number[],
    kernel: number[],
    stride: number[],
    padding: number[],
    dilation: number[],
  ) => ({
    batch,
    channels,
    imgSize: img,
    kernel,
    stride,
    padding,
    dilation,
    colSize: img.map((n, i) => Math.floor((n + 2 * padding[i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1),
  });
  const cases = [
    // L = 2 with dilation 2: a tap's last entry and the next tap's first read neighbours, so
    // one run crosses taps and must be cut there
    { name: "1-D, a run across taps", g: geometry(2, 3, [6], [3], [1], [0], [2]), O: 4, groups: 1 },
    {
      name: "2-D 13x11, stride 2, padding 1, chunks cut rows",
      g: geometry(3, 4, [13, 11], [3, 3], [2, 2], [1, 1], [1, 1]),
      O: 6,
      groups: 2,
    },
    // (stride 1 with one group and rows of 8+ would take the direct kernel: two groups keep these on the chunked GEMM path)
    {
      name: "2-D 20x20, 2 groups, chunks of 8 of 400 positions",
      g: geometry(2, 6, [20, 20], [3, 3], [1, 1], [1, 1], [1, 1]),
      O: 8,
      groups: 2,
    },
    { name: "3-D, dilation 2, 2 groups", g: geometry(2, 4, [7, 6, 9], [2, 3, 2], [1, 1, 1], [1, 0, 1], [2, 1, 2]), O: 6, groups: 2 },
  ];
  for (const { name, g, O, groups } of cases) {
    it(`${name}: every chunk size gives the reference's results`, () => {
      const L = g.colSize.reduce((a, b) => a * b, 1),
        P = g.imgSize.reduce((a, b) => a * b, 1),
        CKg = (g.channels / groups) * g.kernel.reduce((a, b) => a * b, 1);
      const x = randomF32(g.batch * g.channels * P, 11),
        w = randomF32(O * CKg, 12),
        dy = randomF32(g.batch * O * L, 13),
        bias = randomF32(O, 14);
      const want = { out: new Float32Array(g.batch * O * L), dx: new Float32Array(x.length), dw: new Float32Array(w.length) };
      referenceBackend.convForward(x, w, bias, want.out, g, groups, O);
      referenceBackend.convBackwardInput(dy, w, want.dx, g, groups, O);
      referenceBackend.convBackwardWeight(x, dy, want.dw, g, groups, O);
      const close = convClose(x, dy, g, groups, O, w.length);
      let whole: Float32Array | null = null;
      // 1 byte: chunks of 8 positions (the smallest); 600 bytes: a few dozen; the default last
      for (const bytes of [1, 600, 128 * 1024]) {
        const prev = setChunkBytes(bytes);
        try {
          const out = new Float32Array(want.out.length),
            dx = new Float32Array(x.length),
            dw = new Float32Array(w.length);
          const fdx = new Float32Array(x.length),
            fdw = new Float32Array(w.length);
          wasm.convForward(x, w, bias, out, g, groups, O);
          wasm.convBackwardInput(dy, w, dx, g, groups, O);
          wasm.convBackwardWeight(x, dy, dw, g, groups, O);
          wasm.convBackward(x, w, dy, fdx, fdw, g, groups, O);
          close(out, want.out, `out (${bytes} B)`);
          close(dx, want.dx, `dx (${bytes} B)`);
          close(fdx, want.dx, `fused dx (${bytes} B)`);
          close(dw, want.dw, `dw (${bytes} B)`);
          close(fdw, want.dw, `fused dw (${bytes} B)`);
          // each output element is one dot product in the same order whatever the chunk
          if (whole) assert.deepEqual(out, whole);
          whole = out;
        } finally {
          setChunkBytes(prev);
        }
      }
    });
  }
  it("chunked runs cover exactly the entries of the whole-sample runs", () => {
    const g = geometry(1, 2, [13, 11], [3, 3], [2, 2], [1, 1], [1, 1]);
    const L = g.colSize.reduce((a, b) => a * b, 1);
    const entries = (runs: Int32Array, rebase: (dst: number) => number) => {
      const m = new Map<number, number>();
      for (let r = 0; r < runs.length; r += 3) for (let j = 0; j < runs[r + 2]!; j++) m.set(rebase(runs[r]! + j), runs[r + 1]! + j);
      return m;
    };
    const want = entries(convRuns(g), (t) => t);
    for (const lc of [8, 16, 40, L]) {
      const { runs, chunks } = chunkedRuns(g, lc);
      const got = new Map<number, number>();
      for (let c = 0; c < chunks.length; c += 4) {
        const [l0, len, first, count] = [chunks[c]!, chunks[c + 1]!, chunks[c + 2]!, chunks[c + 3]!];
        // back from the chunk's [K, len] block to the whole sample's [K, L] block
        for (const [t, src] of entries(runs.subarray(3 * first, 3 * (first + count)), (t) => Math.floor(t / len) * L + l0 + (t % len)))
          got.set(t, src);
      }
      assert.deepEqual(
        [...got].sort((a, b) => a[0] - b[0]),
        [...want].sort((a, b) => a[0] - b[0]),
        `lc = ${lc}`,
      );
    }
  });
});

describe("wasm direct convolutions (stride 1, one group: no columns)", () => {
  // which kernels run: forward direct with 4+ outputs; input gradient direct with 4+ inputs and
  // padding <= dilation * (k - 1); weight gradient direct with 8+ outputs (else the GEMM path)
  const geometry = (batch: number, channels: number, img: number[], kernel: number[], padding: number[], dilation: number[]) => ({
    batch,
    channels,
    imgSize: img,
    kernel,
    stride: img.map(() => 1),
    padding,
    dilation,
    colSize: img.map((n, i) => n + 2 * padding[i]! - dilation[i]! * (kernel[i]! - 1)),
  });
  const cases = [
    { name: "2-D 3x3, padding 1 (the benchmark's shape, smaller)", g: geometry(3, 5, [12, 16], [3, 3], [1, 1], [1, 1]), O: 12 },
    {
      name: "2-D rows of 17 outputs (an edge tile of 1), 7 output channels (an edge of 3), dilation 2",
      g: geometry(2, 3, [9, 17], [3, 3], [2, 2], [2, 2]),
      O: 7,
    },
    { name: "1-D k=5, no padding", g: geometry(2, 4, [40], [5], [0], [1]), O: 9 },
    {
      name: "2-D 3x2 kernel, dilation (2, 3), padding (2, 1): every gradient direct",
      g: geometry(2, 4, [11, 14], [3, 2], [2, 1], [2, 3]),
      O: 9,
    },
    { name: "3-D 3x2x3, mixed padding", g: geometry(2, 2, [5, 6, 10], [3, 2, 3], [1, 0, 1], [1, 1, 1]), O: 8 },
    // rows of exactly 4 outputs: forward and a lone input gradient two rows per tile
    { name: "2-D 4x4 outputs (the digits CNN's conv2, smaller)", g: geometry(3, 6, [4, 4], [3, 3], [1, 1], [1, 1]), O: 9 },
    {
      name: "2-D 5 rows of 4 outputs (a lone last row), dilation 2",
      g: geometry(2, 5, [7, 6], [2, 2], [0, 0], [2, 2]),
      O: 6,
    },
    {
      name: "3-D 2 planes of 3 rows of 4 (a tile's two rows in two planes)",
      g: geometry(2, 4, [3, 4, 4], [2, 2, 3], [0, 0, 1], [1, 1, 1]),
      O: 5,
    },
    // padding 3 > dilation * (k - 1) = 2: the input gradient falls back to the GEMM path
    {
      name: "2-D padding wider than the kernel (input gradient on the GEMM path)",
      g: geometry(2, 3, [6, 9], [3, 3], [3, 3], [1, 1]),
      O: 10,
    },
  ];
  for (const { name, g, O } of cases) {
    it(`${name}: forward and both gradients match the reference on 1 and 2 threads`, async () => {
      const L = g.colSize.reduce((a, b) => a * b, 1),
        P = g.imgSize.reduce((a, b) => a * b, 1),
        CK = g.channels * g.kernel.reduce((a, b) => a * b, 1);
      const W = g.colSize[g.colSize.length - 1]!;
      assert.ok(W >= 8 || W === 4, "rows the direct kernel takes");
      const x = randomF32(g.batch * g.channels * P, 21),
        w = randomF32(O * CK, 22),
        dy = randomF32(g.batch * O * L, 23),
        bias = randomF32(O, 24);
      const want = { out: new Float32Array(g.batch * O * L), dx: new Float32Array(x.length), dw: new Float32Array(w.length) };
      referenceBackend.convForward(x, w, bias, want.out, g, 1, O);
      referenceBackend.convBackwardInput(dy, w, want.dx, g, 1, O);
      referenceBackend.convBackwardWeight(x, dy, want.dw, g, 1, O);
      const close = convClose(x, dy, g, 1, O, w.length);
      const runs: Float32Array[][] = [];
      for (const threads of [1, 2]) {
        wasm.setThreads(threads);
        const out = new Float32Array(want.out.length),
          dx = new Float32Array(x.length),
          dw = new Float32Array(w.length),
          fdx = new Float32Array(x.length),
          fdw = new Float32Array(w.length);
        wasm.convForward(x, w, bias, out, g, 1, O);
        wasm.convBackwardInput(dy, w, dx, g, 1, O);
        wasm.convBackwardWeight(x, dy, dw, g, 1, O);
        wasm.convBackward(x, w, dy, fdx, fdw, g, 1, O);
        close(out, want.out, "out");
        close(dx, want.dx, "dx");
        close(fdx, want.dx, "fused dx");
        close(dw, want.dw, "dw");
        close(fdw, want.dw, "fused dw");
        // both gradients in one dispatch (convDirectBackward with dx) or two: the same sums, the same bits
        const sdx = new Float32Array(x.length),
          sdw = new Float32Array(w.length);
        const prev = setFusedBackward(false);
        try {
          wasm.convBackward(x, w, dy, sdx, sdw, g, 1, O);
        } finally {
          setFusedBackward(prev);
        }
        assert.deepEqual(fdx, sdx, "dx: one dispatch vs two");
        assert.deepEqual(fdw, sdw, "dw: one dispatch vs two");
        runs.push([out, dx, fdx]);
      }
      // outputs and input gradients have one owner per element: the same bits on any thread count
      runs[1]!.forEach((a, i) => assert.deepEqual(a, runs[0]![i]));
      await wasm.closeThreads();
    });
  }
  it("the measured rules: short rows, few tile rows and weights over 1 MiB stay on im2col + GEMM", () => {
    const g = (side: number, stride = 1) => ({ ...geometry(2, 16, [side, side], [3, 3], [1, 1], [1, 1]), stride: [stride, stride] });
    assert.equal(useDirect(g(32), 1, 32, 32 * 16 * 9), true);
    assert.equal(useDirect(g(4), 1, 32, 32 * 16 * 9), true, "rows of exactly 4: two per tile");
    assert.equal(useDirect(g(6), 1, 32, 32 * 16 * 9), false, "rows of 6 outputs");
    assert.equal(useDirect(g(32), 1, 1, 1 * 16 * 9), false, "one tile row of four used");
    assert.equal(useDirect(g(32), 2, 32, 32 * 8 * 9), false, "two groups");
    assert.equal(useDirect(g(32, 2), 1, 32, 32 * 16 * 9), false, "stride 2");
    assert.equal(useDirect(g(14), 1, 512, 512 * 512 * 9), false, "a 9 MiB weight");
    assert.equal(useDirectWeight(g(32), 1, 32), true);
    assert.equal(useDirectWeight(g(4), 1, 32), false, "rows of 4 outputs");
    assert.equal(useDirectWeight(g(32), 1, 4), false, "half a tile of outputs");
  });

  it("the forward adds the bias after the sum, as the GEMM path: the same bits", () => {
    const g = geometry(2, 3, [10, 12], [3, 3], [1, 1], [1, 1]),
      O = 5;
    const x = randomF32(2 * 3 * 120, 31),
      w = randomF32(O * 27, 32),
      bias = randomF32(O, 33);
    const direct = new Float32Array(2 * O * 120),
      gemm = new Float32Array(2 * O * 120);
    wasm.convForward(x, w, bias, direct, g, 1, O);
    // stride 1 in a trailing dim of size 1 is still stride 1; force the GEMM path with groups:
    // the same conv as one group of a 2-group conv whose other group is all zeros
    const x2 = new Float32Array(2 * 6 * 120),
      w2 = new Float32Array(2 * O * 27),
      b2 = new Float32Array(2 * O),
      out2 = new Float32Array(2 * 2 * O * 120);
    for (let n = 0; n < 2; n++) x2.set(x.subarray(n * 360, n * 360 + 360), n * 720);
    w2.set(w);
    b2.set(bias);
    wasm.convForward(x2, w2, b2, out2, { ...g, channels: 6 }, 2, 2 * O);
    for (let n = 0; n < 2; n++) gemm.set(out2.subarray(n * 2 * O * 120, n * 2 * O * 120 + O * 120), n * O * 120);
    assert.deepEqual(direct, gemm);
  });
});

describe("wasm depthwise convolutions (one input channel per group: the direct kernels)", () => {
  const convGeometry = (
    batch: number,
    channels: number,
    img: number[],
    kernel: number[],
    stride: number[],
    padding: number[],
    dilation: number[],
  ) => ({
    batch,
    channels,
    imgSize: img,
    kernel,
    stride,
    padding,
    dilation,
    colSize: img.map((n, d) => Math.floor((n + 2 * padding[d]! - dilation[d]! * (kernel[d]! - 1) - 1) / stride[d]!) + 1),
  });
  const cases = [
    { name: "1-D, multiplier 1", g: convGeometry(3, 6, [37], [5], [1], [2], [1]), mult: 1 },
    { name: "2-D stride 2, padding 1, multiplier 2", g: convGeometry(4, 8, [13, 11], [3, 3], [2, 2], [1, 1], [1, 1]), mult: 2 },
    { name: "2-D dilation 2, no padding", g: convGeometry(2, 5, [16, 16], [3, 3], [1, 1], [0, 0], [2, 2]), mult: 1 },
    { name: "3-D, multiplier 3", g: convGeometry(2, 4, [6, 7, 5], [3, 2, 3], [1, 1, 2], [1, 0, 1], [1, 1, 1]), mult: 3 },
    { name: "2-D big enough to split over threads", g: convGeometry(16, 32, [32, 32], [3, 3], [1, 1], [1, 1], [1, 1]), mult: 1 },
    // each tap's last read sits right before the next tap's first: runs once merged across taps here
    { name: "1-D, one output position, multiplier 3", g: convGeometry(2, 3, [3], [3], [1], [0], [1]), mult: 3 },
    { name: "2-D, one output position, multiplier 2", g: convGeometry(2, 2, [3, 3], [3, 3], [1, 1], [0, 0], [1, 1]), mult: 2 },
    { name: "1-D, dilation = stride * (outputs - 1) + 1", g: convGeometry(2, 2, [15], [3], [2], [0], [5]), mult: 1 },
  ];
  it("the runs never cross from one tap's L output positions into the next (every 1-D geometry up to 7 inputs, and 2-D)", () => {
    let checked = 0;
    for (let n = 1; n <= 7; n++)
      for (let k = 1; k <= 4; k++)
        for (let s = 1; s <= 3; s++)
          for (let d = 1; d <= 4; d++)
            for (let p = 0; p <= 2; p++) {
              for (const g of [convGeometry(1, 1, [n], [k], [s], [p], [d]), convGeometry(1, 1, [n, 2], [k, 2], [s, 1], [p, 0], [d, 1])]) {
                const L = g.colSize.reduce((a, b) => a * b, 1);
                if (!(L > 0)) continue;
                const runs = convRuns(g);
                for (let r = 0; r < runs.length; r += 3) {
                  const first = Math.floor(runs[r]! / L),
                    last = Math.floor((runs[r]! + runs[r + 2]! - 1) / L);
                  assert.equal(last, first, `run (${runs.subarray(r, r + 3)}) crosses taps in ${JSON.stringify(g)}`);
                }
                checked++;
              }
            }
    assert.ok(checked > 500);
  });
  for (const { name, g, mult } of cases) {
    it(`${name}: forward, input and weight gradients match the reference kernels, on 1 and 2 threads`, async () => {
      const C = g.channels,
        O = C * mult,
        K = g.kernel.reduce((a, b) => a * b, 1);
      const P = g.imgSize.reduce((a, b) => a * b, 1),
        L = g.colSize.reduce((a, b) => a * b, 1);
      const x = randomF32(g.batch * C * P, 11),
        w = randomF32(O * K, 12),
        dy = randomF32(g.batch * O * L, 13),
        bias = randomF32(O, 14);
      const want = { out: new Float32Array(g.batch * O * L), dx: new Float32Array(x.length), dw: new Float32Array(w.length) };
      referenceBackend.convForward(x, w, bias, want.out, g, C, O);
      referenceBackend.convBackwardInput(dy, w, want.dx, g, C, O);
      referenceBackend.convBackwardWeight(x, dy, want.dw, g, C, O);
      // a weight gradient sums batch * L products in float32: allow rounding relative to the sum of their magnitudes
      const dwScale = new Float32Array(w.length);
      referenceBackend.convBackwardWeight(x.map(Math.abs), dy.map(Math.abs), dwScale, g, C, O);
      const close = (got: Float32Array, ref: Float32Array, what: string) =>
        ref.forEach((v, i) => {
          const tol = 2e-5 * (1 + Math.abs(v)) + (what.endsWith("dw") ? 1e-6 * dwScale[i]! : 0);
          assert.ok(Math.abs(got[i]! - v) <= tol, `${what}[${i}]: ${got[i]} vs ${v}`);
        });
      for (const threads of [1, 2]) {
        wasm.setThreads(threads);
        const out = new Float32Array(want.out.length).fill(NaN),
          dx = new Float32Array(x.length).fill(NaN),
          dw = new Float32Array(w.length).fill(NaN);
        wasm.convForward(x, w, bias, out, g, C, O);
        wasm.convBackwardInput(dy, w, dx, g, C, O);
        wasm.convBackwardWeight(x, dy, dw, g, C, O);
        close(out, want.out, "out");
        close(dx, want.dx, "dx");
        close(dw, want.dw, "dw");
        const fdx = new Float32Array(x.length),
          fdw = new Float32Array(w.length);
        wasm.convBackward(x, w, dy, fdx, fdw, g, C, O);
        assert.deepEqual(fdx, dx);
        close(fdw, want.dw, "fused dw");
      }
      wasm.setThreads(1);
      await wasm.closeThreads();
    });
  }
});

describe("wasm memory in steady-state training", () => {
  it("200 training steps of a CNN and an LSTM do not grow the wasm memory after the first steps", () => {
    const previous = tl.getBackend();
    tl.setBackend("wasm");
    // a synchronous loop frees resident outputs only through backward's recycling until it
    // yields (residency.test.ts): a small budget makes its warm-up short
    const active = kernels() as WasmBackend;
    const budget = active.arena.heap.residentBudget;
    active.arena.heap.residentBudget = active.arena.heap.residentBytes + 2 * 2 ** 20;
    try {
      tl.manualSeed(0);
      const conv = new tl.nn.Sequential(
        new tl.nn.Conv2d(1, 8, 3, { padding: 1 }),
        new tl.nn.ReLU(),
        new tl.nn.MaxPool2d(2),
        new tl.nn.Flatten(),
        new tl.nn.Linear(8 * 16, 10),
      );
      const lstm = new tl.nn.LSTM(4, 16);
      const head = new tl.nn.Linear(16, 1);
      const opt = new tl.optim.Adam([...conv.parameters(), ...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
      const x = tl.randn([16, 1, 8, 8]),
        y = tl.randint(0, 10, [16]),
        seq = tl.randn([12, 16, 4]),
        target = tl.randn([16, 1]);
      let bytesAfterWarmup = 0;
      for (let step = 0; step < 200; step++) {
        const [out] = lstm.forward(seq);
        const loss = tl.F.crossEntropy(conv.forward(x), y).add(tl.F.mseLoss(head.forward(out.select(0, -1)), target));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        if (step === 49) bytesAfterWarmup = active.arena.memoryBytes;
      }
      assert.ok(bytesAfterWarmup > 0);
      assert.equal(active.arena.memoryBytes, bytesAfterWarmup);
    } finally {
      active.arena.heap.residentBudget = budget;
      tl.setBackend(previous);
    }
  });
});

describe("wasm loading where synchronous compilation is refused (a browser's main thread)", () => {
  it("loadWasmBackend falls back to WebAssembly.compile and resolves to a working backend", async () => {
    const Sync = WebAssembly.Module;
    // Chrome refuses new WebAssembly.Module(bytes) over 4 KiB on the main thread with a RangeError
    (WebAssembly as { Module: unknown }).Module = () => {
      throw new RangeError("WebAssembly.Module(): buffer size is larger than 4KB");
    };
    let pending: ReturnType<typeof loadWasmBackend>;
    try {
      pending = loadWasmBackend();
    } finally {
      (WebAssembly as { Module: unknown }).Module = Sync;
    }
    assert.ok(pending instanceof Promise);
    const b = await pending;
    const out = new Float32Array(4);
    b.matmul(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), out, {
      batch: 1,
      m: 2,
      k: 2,
      n: 2,
      aBatchStride: 0,
      bBatchStride: 0,
      transA: false,
      transB: false,
    });
    assert.deepEqual(Array.from(out), [19, 22, 43, 50]);
  });
});

describe("wasm pre-packed GEMM (a recurrent weight per sequence, a conv weight per call)", () => {
  const ex = wasm.runtime.exports;
  /** C = op(A) op(B) by sgemm and with one operand packed whole first: the same bits. */
  function samePacked(m: number, k: number, n: number, seed: number, packSide: "A" | "B", trans: boolean): void {
    const [ars, acs] = packSide === "A" && trans ? [1, m] : [k, 1];
    const [brs, bcs] = packSide === "B" && trans ? [1, k] : [n, 1];
    wasm.arena.reset();
    const pa = wasm.arena.copyIn(randomF32(m * k, seed)),
      pb = wasm.arena.copyIn(randomF32(k * n, seed + 1));
    const c1 = wasm.arena.alloc(m * n * 4),
      c2 = wasm.arena.alloc(m * n * 4);
    ex.sgemm(m, n, k, pa, ars, acs, pb, brs, bcs, c1, n, 0, wasm.arena.scratch(0));
    if (packSide === "B") {
      const packed = wasm.arena.alloc(ex.packedBFloats(k, n) * 4);
      ex.packBAll(pb, brs, bcs, k, n, packed);
      ex.sgemmPackedB(m, n, k, pa, ars, acs, packed, c2, n, 0, wasm.arena.scratch(0));
    } else {
      const packed = wasm.arena.alloc(ex.packedAFloats(m, k) * 4);
      ex.packAAll(pa, ars, acs, m, k, packed);
      ex.sgemmPackedA(m, n, k, packed, pb, brs, bcs, c2, n, 0, wasm.arena.scratch(0));
    }
    assert.deepEqual(wasm.arena.f32(c2, m * n), wasm.arena.f32(c1, m * n));
  }
  it("sgemmPackedB equals sgemm across the K (256) and N (1024) block edges, for B and B^T", () => {
    for (const trans of [false, true]) samePacked(5, 300, 1030, 30, "B", trans);
  });
  it("sgemmPackedA equals sgemm across the M (128) and K (256) block edges, for A and A^T", () => {
    for (const trans of [false, true]) samePacked(131, 301, 37, 32, "A", trans);
  });
});

describe("wasm fallback where WebAssembly SIMD is missing", () => {
  it("loadWasmBackend returns null when no variant validates (the reference backend stays)", () => {
    const validate = WebAssembly.validate;
    (WebAssembly as { validate: unknown }).validate = () => false; // a runtime without SIMD rejects every variant
    try {
      assert.equal(loadWasmBackend(), null);
    } finally {
      (WebAssembly as { validate: unknown }).validate = validate;
    }
  });
});

describe("wasm logSoftmax matches the reference kernel", () => {
  it("ordinary rows (sizes 1, 3, 10, 37) within float32 rounding, and PyTorch's infinities and NaN exactly", () => {
    for (const size of [1, 3, 10, 37]) {
      const x = randomF32(4 * size, size).map((v) => v * 10);
      const want = new Float32Array(x.length),
        got = new Float32Array(x.length);
      referenceBackend.logSoftmax(x, want, 4, size, 1);
      wasm.logSoftmax(x, got, 4, size, 1);
      want.forEach((v, i) => assert.ok(Math.abs(got[i]! - v) <= 2e-6 * (1 + Math.abs(v)), `size ${size} [${i}]: ${got[i]} vs ${v}`));
    }
    // rows: [inf, 1, 2] -> nan (inf - inf); all -inf -> nan; a NaN -> nan (PyTorch 1.13's
    // log_softmax); [3e38, -3e38, 0] -> [0, -inf (float32 overflow), -3e38]
    const x = Float32Array.of(Infinity, 1, 2, -Infinity, -Infinity, -Infinity, 0, NaN, 1, 3e38, -3e38, 0);
    const want = new Float32Array(12),
      got = new Float32Array(12);
    referenceBackend.logSoftmax(x, want, 4, 3, 1);
    wasm.logSoftmax(x, got, 4, 3, 1);
    assert.deepEqual(Array.from(got), Array.from(want));
    assert.deepEqual(Array.from(want.subarray(0, 9)), Array(9).fill(NaN));
    assert.deepEqual(Array.from(want.subarray(9)), [0, -Infinity, -3e38].map(Math.fround));
  });
});

describe("wasm elementwise paths equal the reference kernels bit for bit", () => {
  const special = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38];
  const data = (n: number, seed: number): Float32Array => {
    const x = randomF32(n, seed);
    special.forEach((v, i) => {
      x[(i * 7919) % n] = v;
    });
    return x;
  };
  for (const n of [10, 4099, 65536]) {
    it(`relu, relu's gradient and + - * / (tensor and scalar operands), ${n} elements`, () => {
      const a = data(n, n),
        b = data(n, n + 1),
        s = Float32Array.of(-1.5);
      const same = (f: (k: typeof wasm | typeof referenceBackend, out: Float32Array) => void): void => {
        const want = new Float32Array(n),
          got = new Float32Array(n);
        f(referenceBackend, want);
        f(wasm, got);
        assert.deepEqual(
          Array.from(got, (v) => (Object.is(v, -0) ? "-0" : v)),
          Array.from(want, (v) => (Object.is(v, -0) ? "-0" : v)),
        );
      };
      same((k, out) => k.unary("relu", a, out));
      same((k, out) => k.binary("reluGrad", a, [n], b, [n], out, [n]));
      for (const op of ["add", "sub", "mul", "div"] as const) {
        same((k, out) => k.binary(op, a, [n], b, [n], out, [n]));
        same((k, out) => k.binary(op, a, [n], s, [], out, [n]));
      }
      if (n % 4099 === 0 || n % 64 === 0) {
        // a bias broadcast over rows ([rows, cols] + [cols] and + [1, cols]), and sums over rows
        const cols = n % 64 === 0 ? 64 : 4099,
          rows = n / cols,
          bias = data(cols, 7);
        for (const op of ["add", "sub", "mul", "div"] as const) {
          same((k, out) => k.binary(op, a, [rows, cols], bias, [cols], out, [rows, cols]));
          same((k, out) => k.binary(op, a, [rows, cols], bias, [1, cols], out, [rows, cols]));
        }
        const finite = a.map((v) => (Number.isFinite(v) ? v : 1));
        const want = new Float32Array(cols),
          got = new Float32Array(cols);
        referenceBackend.reduce("sum", finite, 1, rows, cols, want);
        wasm.reduce("sum", finite, 1, rows, cols, got);
        assert.deepEqual(got, want);
        // contiguous rows (last-axis and full sums): float64 partial sums, the same float32 results
        // (short rows too: a conv bias gradient over 4x4 outputs sums rows of 16)
        for (const [outer, size] of [
          [rows, cols],
          [1, n],
          ...(n % 16 === 0
            ? [
                [n / 16, 16],
                [n / 8, 8],
              ]
            : []),
        ] as [number, number][]) {
          const w = new Float32Array(outer),
            g = new Float32Array(outer);
          referenceBackend.reduce("sum", finite, outer, size, 1, w);
          wasm.reduce("sum", finite, outer, size, 1, g);
          assert.deepEqual(g, w);
        }
      }
    });
  }
});

describe("wasm maxPool matches the reference kernel exactly", () => {
  it("values and indices with ties, NaN, -0/+0 and infinities, overlapping and padded windows", () => {
    // planes of 5x5, 3x3 windows, stride 2, padding 1 (windows cut by the padding)
    const g = {
      planes: 6,
      inSize: [5, 5],
      outSize: [3, 3],
      start: [Int32Array.of(-1, 1, 3), Int32Array.of(-1, 1, 3)],
      count: [Int32Array.of(3, 3, 3), Int32Array.of(3, 3, 3)],
      dilation: [1, 1],
    };
    const x = randomF32(6 * 25, 40).map((v) => Math.round(v * 2) / 2); // many ties
    [
      [3, NaN],
      [30, -0],
      [31, 0],
      [60, Infinity],
      [61, -Infinity],
      [90, NaN],
      [91, NaN],
      [120, -0],
    ].forEach(([i, v]) => {
      x[i!] = v!;
    });
    const want = new Float32Array(54),
      got = new Float32Array(54),
      wi = new Int32Array(54),
      gi = new Int32Array(54);
    referenceBackend.maxPool(x, want, wi, g);
    wasm.maxPool(x, got, gi, g);
    assert.deepEqual(Array.from(gi), Array.from(wi));
    assert.deepEqual(
      Array.from(got, (v) => (Object.is(v, -0) ? "-0" : v)),
      Array.from(want, (v) => (Object.is(v, -0) ? "-0" : v)),
    );
  });
  it("the backward scatter (scatterAdd along the last dim): the reference's bits, with windows whose maxima share a position", () => {
    const g = {
      planes: 6,
      inSize: [5, 5],
      outSize: [3, 3],
      start: [Int32Array.of(-1, 1, 3), Int32Array.of(-1, 1, 3)],
      count: [Int32Array.of(3, 3, 3), Int32Array.of(3, 3, 3)],
      dilation: [1, 1],
    };
    const x = randomF32(6 * 25, 41).map((v) => Math.round(v)),
      out = new Float32Array(54),
      idx = new Int32Array(54);
    referenceBackend.maxPool(x, out, idx, g);
    // overlapping windows picking one position: the scatter must add, not overwrite
    assert.ok(new Set(idx.subarray(0, 9)).size < 9 || new Set(idx.subarray(9, 18)).size < 9);
    // onto zeros (maxPool's backward) and onto values already there (scatterAdd accumulates)
    for (const start of [0, 7]) {
      const dy = randomF32(54, 42),
        want = new Float32Array(150).fill(start),
        got = new Float32Array(150).fill(start);
      referenceBackend.scatterAdd(want, [6, 25], 1, idx, [6, 9], dy, [6, 9]);
      wasm.scatterAdd(got, [6, 25], 1, idx, [6, 9], dy, [6, 9]);
      assert.deepEqual(got, want);
    }
    // another layout (along dim 0) takes the reference kernel: the same results
    const idx0 = Int32Array.from({ length: 12 }, (_, i) => (i * 7) % 5),
      src0 = randomF32(12, 43);
    const want0 = new Float32Array(15),
      got0 = new Float32Array(15);
    referenceBackend.scatterAdd(want0, [5, 3], 0, idx0, [4, 3], src0, [4, 3]);
    wasm.scatterAdd(got0, [5, 3], 0, idx0, [4, 3], src0, [4, 3]);
    assert.deepEqual(got0, want0);
  });
});

describe("wasm whole-sequence LSTM/GRU split over threads by batch rows", () => {
  // T = 20, B = 15 (split 8 + 7), H = 64: above the size where the pool is used
  const T = 20,
    B = 15,
    H = 64;
  const run = (kind: "lstm" | "gru", threads: number, reverse: boolean) => {
    wasm.setThreads(threads);
    const G = (kind === "lstm" ? 4 : 3) * H;
    const xg = randomF32(T * B * G, 50),
      h0 = randomF32(B * H, 51),
      c0 = randomF32(B * H, 52),
      w = randomF32(G * H, 53).map((v) => v * 0.1),
      b = randomF32(G, 54);
    const gOut = randomF32((kind === "lstm" ? 2 : 1) * T * B * H, 55);
    const out = new Float32Array(gOut.length),
      saved = new Float32Array(T * B * G);
    const dxg = new Float32Array(T * B * G),
      dh0 = new Float32Array(B * H),
      dc0 = new Float32Array(B * H),
      dw = new Float32Array(G * H),
      db = new Float32Array(G);
    if (kind === "lstm") {
      wasm.lstmSequence(xg, h0, c0, w, out, saved, T, B, H, reverse);
      wasm.lstmSequenceBackward(w, saved, out, h0, c0, gOut, dxg, dh0, dc0, dw, T, B, H, reverse);
    } else {
      wasm.gruSequence(xg, h0, w, b, out, saved, T, B, H, reverse);
      wasm.gruSequenceBackward(xg, w, saved, out, h0, gOut, dxg, dh0, dw, db, T, B, H, reverse);
    }
    return { out, dxg, dh0, dc0, dw, db };
  };
  for (const kind of ["lstm", "gru"] as const) {
    it(`${kind}: 2 threads give the same bits as 1 (each batch row is computed the same way)`, async () => {
      for (const reverse of [false, true]) assert.deepEqual(run(kind, 2, reverse), run(kind, 1, reverse));
      await wasm.closeThreads();
    });
  }
});

describe("wasm convolutions with short output maps: samples lowered together", () => {
  // [name, geometry, groups, O, bias]: the digits CNN's second conv (4x4 maps; 9.4 MFLOP, so 2
  // threads split it) with a batch that leaves a partial last group, and a strided, grouped one
  const cases = [
    {
      name: "4x4 maps, 16 -> 32 channels, batch 61",
      g: { batch: 61, channels: 16, imgSize: [4, 4], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], colSize: [4, 4] },
      groups: 1,
      O: 32,
    },
    {
      name: "stride 2, 2 groups, 5x5 maps, batch 13",
      g: { batch: 13, channels: 6, imgSize: [9, 9], kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], colSize: [5, 5] },
      groups: 2,
      O: 8,
    },
  ];
  for (const { name, g, groups, O } of cases) {
    it(`${name}: forward and input gradients the per-sample lowering's bits, weight gradient close, on 1 and 2 threads`, async () => {
      const P = g.imgSize.reduce((a, b) => a * b, 1),
        L = g.colSize.reduce((a, b) => a * b, 1),
        CKg = (g.channels / groups) * 9;
      const x = randomF32(g.batch * g.channels * P, 41),
        w = randomF32(O * CKg, 42),
        dy = randomF32(g.batch * O * L, 43),
        bias = randomF32(O, 44);
      assert.ok(samplesPerProduct(g.channels * 9, L, g.batch) > 1, "lowered together at the default chunk size");
      const want = { dw: new Float32Array(w.length) };
      referenceBackend.convBackwardWeight(x, dy, want.dw, g, groups, O);
      const close = convClose(x, dy, g, groups, O, w.length);
      const run = (threads: number, perSample: boolean) => {
        wasm.setThreads(threads);
        // one sample's columns (L rounded up to the tile width) per chunk: samplesPerProduct gives
        // 1 and the per-sample kernels run, each sample in one chunk, as they do by default
        // wherever two samples' columns fit a chunk (a sample cut into chunks sums dx in another order)
        const prev = perSample ? setChunkBytes(4 * g.channels * 9 * Math.ceil(L / 8) * 8) : null;
        try {
          if (perSample) assert.equal(samplesPerProduct(g.channels * 9, L, g.batch), 1);
          const out = new Float32Array(g.batch * O * L),
            dx = new Float32Array(x.length),
            dw = new Float32Array(w.length),
            fdx = new Float32Array(x.length),
            fdw = new Float32Array(w.length);
          wasm.convForward(x, w, bias, out, g, groups, O);
          wasm.convBackwardInput(dy, w, dx, g, groups, O);
          wasm.convBackwardWeight(x, dy, dw, g, groups, O);
          wasm.convBackward(x, w, dy, fdx, fdw, g, groups, O);
          return { out, dx, dw, fdx, fdw };
        } finally {
          if (prev !== null) setChunkBytes(prev);
        }
      };
      const base = run(1, true);
      for (const threads of [1, 2]) {
        const got = run(threads, false);
        assert.deepEqual(got.out, base.out, `out, ${threads} thread(s)`);
        assert.deepEqual(got.dx, base.dx, `dx, ${threads} thread(s)`);
        // (rows of 4: the forward and a lone input gradient run the direct kernel, unlowered; with
        // both gradients the samples are lowered together)
        assert.deepEqual(got.fdx, base.fdx, `fused dx, ${threads} thread(s)`);
        // the weight gradient sums a group's positions in one product: the same terms, another order
        close(got.dw, want.dw, `dw, ${threads} thread(s)`);
        close(got.fdw, want.dw, `fused dw, ${threads} thread(s)`);
        if (threads === 1) assert.deepEqual(got.fdw, got.dw, "fused and separate: the same sums");
      }
      await wasm.closeThreads();
    });
  }

  it("the rule: maps of 64+ outputs, or columns of one sample over the chunk, keep the per-sample kernels", () => {
    assert.equal(samplesPerProduct(144, 16, 8), 8, "at most a row's samples");
    assert.equal(samplesPerProduct(144, 16, 64), 14, "as many as fit 128 KiB of columns");
    assert.equal(samplesPerProduct(144, 64, 64), 1, "64 outputs: wide enough alone");
    assert.equal(samplesPerProduct(4096, 16, 64), 1, "two samples' columns do not fit");
  });
});

describe("wasm direct weight gradients over a row's samples (rows of 4 outputs)", () => {
  const geometry = (batch: number, channels: number, img: number[], kernel: number[], padding: number[]) => ({
    batch,
    channels,
    imgSize: img,
    kernel,
    stride: img.map(() => 1),
    padding,
    dilation: img.map(() => 1),
    colSize: img.map((n, i) => n + 2 * padding[i]! - (kernel[i]! - 1)),
  });
  // rows of exactly 4 outputs and 8+ output channels take convDirectBackwardSamples
  const cases = [
    { name: "the digits CNN's conv2 (4x4 maps, 16 -> 32), batch 64", g: geometry(64, 16, [4, 4], [3, 3], [1, 1]), O: 32 },
    // 29 samples of this geometry fill SAMPLES_ROW_BYTES: a row of 100 is cut in four
    { name: "batch 100: rows cut to stay in L2", g: geometry(100, 16, [4, 4], [3, 3], [1, 1]), O: 32 },
    { name: "12 output channels (a half panel), 3 input channels (a partial step tile)", g: geometry(7, 3, [4, 4], [3, 3], [1, 1]), O: 12 },
    { name: "one input channel, 6 rows of 4, 5x5 kernel padding 2", g: geometry(9, 1, [6, 4], [5, 5], [2, 2]), O: 8 },
    { name: "1-D rows of 4, k=1", g: geometry(11, 5, [4], [1], [0]), O: 9 },
    { name: "3-D 2 planes of 3 rows of 4", g: geometry(5, 4, [2, 3, 4], [1, 1, 3], [0, 0, 1]), O: 16 },
  ];
  for (const { name, g, O } of cases) {
    it(`${name}: both gradients match the reference, dx bit for bit the direct kernel's, on 1 and 2 threads`, async () => {
      assert.equal(useDirectWeightSamples(g, 1, O), true);
      const P = g.imgSize.reduce((a, b) => a * b, 1),
        L = g.colSize.reduce((a, b) => a * b, 1),
        CK = g.channels * g.kernel.reduce((a, b) => a * b, 1);
      const x = randomF32(g.batch * g.channels * P, 51),
        w = randomF32(O * CK, 52),
        dy = randomF32(g.batch * O * L, 53);
      const want = { dx: new Float32Array(x.length), dw: new Float32Array(w.length) };
      referenceBackend.convBackwardInput(dy, w, want.dx, g, 1, O);
      referenceBackend.convBackwardWeight(x, dy, want.dw, g, 1, O);
      const close = convClose(x, dy, g, 1, O, w.length);
      // dx sums O * K products (288 here) with cancellation: like dw, allowed 1e-6 of the sum of
      // the terms' magnitudes (the plain-SIMD build rounds each product and each sum)
      const dxScale = new Float32Array(x.length);
      referenceBackend.convBackwardInput(dy.map(Math.abs), w.map(Math.abs), dxScale, g, 1, O);
      const closeDx = (got: Float32Array, what: string): void =>
        want.dx.forEach((v, i) => {
          const tol = 1e-5 * (1 + Math.abs(v)) + 1e-6 * dxScale[i]!;
          assert.ok(Math.abs(got[i]! - v) <= tol, `${what}[${i}]: ${got[i]} vs ${v}`);
        });
      for (const threads of [1, 2]) {
        wasm.setThreads(threads);
        const dx = new Float32Array(x.length),
          dw = new Float32Array(w.length),
          fdx = new Float32Array(x.length),
          fdw = new Float32Array(w.length),
          gdx = new Float32Array(x.length),
          gdw = new Float32Array(w.length);
        wasm.convBackwardInput(dy, w, dx, g, 1, O);
        wasm.convBackwardWeight(x, dy, dw, g, 1, O);
        wasm.convBackward(x, w, dy, fdx, fdw, g, 1, O);
        const prev = setDirectWeightSamples(false);
        try {
          wasm.convBackward(x, w, dy, gdx, gdw, g, 1, O);
        } finally {
          setDirectWeightSamples(prev);
        }
        closeDx(fdx, "fused dx");
        close(fdw, want.dw, "fused dw");
        close(dw, want.dw, "dw");
        close(gdw, want.dw, "GEMM path dw");
        closeDx(gdx, "GEMM path dx");
        // the input gradient is the direct kernel's, whether it runs alone or beside dw
        assert.deepEqual(fdx, dx, "dx: alone vs beside dw");
        // dw does not depend on whether dx is computed in the same pass
        assert.deepEqual(fdw, dw, "dw: alone vs beside dx");
      }
      await wasm.closeThreads();
    });
  }

  it("the rule: rows of 4 and full tiles of 8 output channels; stride, groups and other rows keep their paths", () => {
    const g = (side: number) => geometry(2, 16, [side, side], [3, 3], [1, 1]);
    assert.equal(useDirectWeightSamples(g(4), 1, 32), true);
    assert.equal(useDirectWeightSamples(g(4), 1, 4), false, "half a tile of outputs");
    assert.equal(useDirectWeightSamples(g(4), 2, 32), false, "two groups");
    assert.equal(useDirectWeightSamples({ ...g(4), stride: [2, 2] }, 1, 32), false, "stride 2");
    assert.equal(useDirectWeightSamples(g(6), 1, 32), false, "rows of 6 outputs");
    const prev = setDirectWeightSamples(false);
    try {
      assert.equal(useDirectWeightSamples(g(4), 1, 32), false, "turned off");
    } finally {
      setDirectWeightSamples(prev);
    }
  });

  it("rows are cut to at most the given samples each, in order, never past MAX_ROWS", () => {
    assert.deepEqual(capRows([[0, 64]], 29), [
      [0, 22],
      [22, 44],
      [44, 64],
    ]);
    assert.deepEqual(
      capRows(
        [
          [0, 8],
          [8, 16],
        ],
        29,
      ),
      [
        [0, 8],
        [8, 16],
      ],
    );
    assert.deepEqual(capRows([[3, 10]], 1).length, 7);
    const many = capRows([[0, 10_000]], 1);
    assert.ok(many.length <= MAX_ROWS, `${many.length} rows`);
    assert.equal(many[0]![0], 0);
    assert.equal(many[many.length - 1]![1], 10_000);
    many.forEach((r, i) => i > 0 && assert.equal(r[0], many[i - 1]![1]));
  });
});

describe("wasm optimStep equals the reference kernel bit for bit", () => {
  const special = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -3.4e38, 3.4e38];
  /** n values, a few of them special (every 7th), seeded. */
  const values = (n: number, seed: number, positive = false): Float32Array => {
    const x = randomF32(n, seed);
    for (let i = seed % 7; i < n; i += 7) x[i] = special[(i + seed) % special.length]!;
    return positive ? x.map(Math.abs) : x;
  };
  /** A copy of x as a host array, or in wasm memory (a resident block's view) when `resident`. */
  const place = (x: Float32Array, resident: boolean): Float32Array => {
    const block = resident ? wasm.allocate!("float32", x.length) : null;
    const out = block ? (block.hostView() as Float32Array) : new Float32Array(x.length);
    out.set(x);
    return out;
  };
  const sgd = (o: Partial<Extract<OptimStep, { rule: "sgd" }>>): OptimStep => ({
    rule: "sgd",
    lr: 0.1,
    weightDecay: 0,
    momentum: 0,
    dampening: 0,
    nesterov: false,
    first: false,
    ...o,
  });
  const adam = (o: Partial<Extract<OptimStep, { rule: "adam" }>>): OptimStep => ({
    rule: "adam",
    lr: 1e-3,
    weightDecay: 0,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    step: 1,
    decoupled: false,
    amsgrad: false,
    ...o,
  });
  const cases: [string, OptimStep, number][] = [
    ["sgd", sgd({}), 0],
    ["sgd weight decay", sgd({ weightDecay: 0.01 }), 1],
    ["sgd momentum, first step", sgd({ momentum: 0.9, first: true }), 1],
    ["sgd momentum", sgd({ momentum: 0.9 }), 1],
    ["sgd momentum, dampening, weight decay", sgd({ momentum: 0.8, dampening: 0.3, weightDecay: 0.05 }), 1],
    ["sgd nesterov", sgd({ momentum: 0.9, nesterov: true, lr: 0.37 }), 1],
    ["adam", adam({}), 2],
    ["adam step 7, weight decay", adam({ step: 7, weightDecay: 0.1, lr: 3e-3 }), 2],
    ["adamw", adam({ step: 3, weightDecay: 0.01, decoupled: true }), 2],
    ["adam amsgrad", adam({ step: 12, amsgrad: true, beta1: 0.5, beta2: 0.75, eps: 1e-3 }), 3],
    ["adam amsgrad without a vmax buffer", adam({ step: 2, amsgrad: true }), 2],
  ];
  for (const [name, h, nState] of cases) {
    it(`${name}: host operands, operands in wasm memory, and mixed`, () => {
      for (const [n, layout] of [
        [1, "host"],
        [13, "host"],
        [1500, "host"],
        [1500, "resident"],
        [2049, "mixed"],
      ] as const) {
        const p0 = values(n, 1),
          g0 = values(n, 2),
          st0 = [values(n, 3), values(n, 4, true), values(n, 5, true)].slice(0, nState);
        const want = [p0, ...st0].map((x) => x.slice());
        referenceBackend.optimStep(h, want[0]!, g0, want[1] ?? null, want[2] ?? null, want[3] ?? null);
        const got = [p0, ...st0].map((x, i) => place(x, layout === "resident" || (layout === "mixed" && i % 2 === 0)));
        const g = place(g0, layout !== "host");
        wasm.optimStep(h, got[0]!, g, got[1] ?? null, got[2] ?? null, got[3] ?? null);
        got.forEach((x, i) => assert.deepEqual(Array.from(x), Array.from(want[i]!), `${name}, n ${n} ${layout}: operand ${i}`));
        assert.deepEqual(Array.from(g), Array.from(g0), "the gradient is not written");
      }
    });
  }

  it("float64 parameters take the reference kernel (same values)", () => {
    const p = Float64Array.from([1, -2, 3]),
      want = p.slice();
    const m = new Float64Array(3),
      v = new Float64Array(3);
    referenceBackend.optimStep(adam({}), want, Float64Array.from([0.5, 0.5, 0.5]), new Float64Array(3), new Float64Array(3), null);
    wasm.optimStep(adam({}), p, Float64Array.from([0.5, 0.5, 0.5]), m, v, null);
    assert.deepEqual(Array.from(p), Array.from(want));
  });
});

describe("wasm fills of memory it owns", () => {
  it("allocate hands out zeros, also a block reused after holding values", () => {
    for (const n of [1024, 4099]) {
      const a = wasm.allocate!("float32", n)!;
      (a.hostView() as Float32Array).fill(Number.NaN);
      a.release?.();
      const b = wasm.allocate!("float32", n)!;
      assert.equal(b.hostView().byteOffset, a.hostView().byteOffset, "the freed block is reused");
      assert.ok(
        (b.hostView() as Float32Array).every((v) => Object.is(v, 0)),
        `allocate(${n}) is all +0`,
      );
    }
  });

  it("copyStrided broadcasting one value over a contiguous output equals the reference, bit for bit", () => {
    const f32Values = [1.5, -0, Number.NaN, -Infinity, 1e-45, 0];
    const cases: [Float32Array | Int32Array, number, number[], number][] = [
      ...f32Values.map((v): [Float32Array, number, number[], number] => [Float32Array.of(7, v), 1, [32, 64], 0]),
      [Int32Array.of(-5, 123456789), 1, [2, 700], 3],
      [Float32Array.of(2.25), 0, [1, 3, 1, 1100], 17],
      [Float32Array.of(4), 0, [5], 0], // under the wasm threshold: the reference's fill
    ];
    for (const [x, srcOffset, shape, dstOffset] of cases) {
      const total = shape.reduce((a, b) => a * b, 1),
        n = total + dstOffset + 5;
      const g = {
        shape,
        srcOffset,
        srcStrides: shape.map(() => 0),
        dstOffset,
        dstStrides: shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1)),
      };
      const Ctor = x.constructor as Float32ArrayConstructor | Int32ArrayConstructor;
      const want = new Ctor(n).fill(9);
      referenceBackend.copyStrided(x, want, g);
      for (const resident of n >= 1024 ? [false, true] : [false]) {
        const out = resident ? (wasm.allocate!(x instanceof Int32Array ? "int32" : "float32", n)!.hostView() as typeof want) : new Ctor(n);
        out.fill(9);
        wasm.copyStrided(x, out, g);
        assert.deepEqual(Array.from(out), Array.from(want), `${Ctor.name} ${String(x[srcOffset])} over ${shape}, resident ${resident}`);
      }
    }
  });
});
