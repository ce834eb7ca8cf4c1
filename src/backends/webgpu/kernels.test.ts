// The webgpu backend's conv, pooling, indexing, recurrent, scan and sort kernels against the
// reference backend (the specification), kernel by kernel on random inputs of awkward shapes, then
// the PyTorch fixture families those kernels serve, run through their own test files with the
// webgpu backend active. Runs in Node through the `webgpu` package (Dawn); without a GPU, Dawn
// finds Chromium's SwiftShader Vulkan driver (a CPU implementation) when VK_ICD_FILENAMES names it,
// which test/support/webgpuNode.ts sets when unset and the driver is installed. No adapter: every
// test skips.

import assert from "node:assert/strict";
import { describe } from "node:test";
import * as tl from "../../index.js";
import type { ConvGeometry, HostBackend, PoolGeometry } from "../backend.js";
import { referenceBackend } from "../reference/index.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { GpuStorage } from "./device.js";
import { rng } from "../../../test/support/rng.js";
import { gpuIt as gpuItIn, runFixtureFilesOnWebGpu, useWebGpu } from "../../../test/support/webgpuNode.js";

const env = useWebGpu();
const gpuIt = (name: string, fn: () => Promise<void>): void => gpuItIn(env, name, fn);

const rand = (n: number, seed: number, scale = 1): Float32Array => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
};
const randInt = (n: number, hi: number, seed: number): Int32Array => {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(r() * hi));
};

/** A GPU storage holding `x` (its values uploaded, as a kernel's earlier output would be). */
function onGpu(x: TypedArray): GpuStorage {
  const s = env.ctx.allocate(x instanceof Int32Array ? "int32" : x instanceof Uint8Array ? "bool" : "float32", x.length);
  env.ctx.write(s, x);
  return s;
}

const isArray = (a: unknown): a is TypedArray => ArrayBuffer.isView(a);

/**
 * Run kernel `name` on the reference backend over host copies of `args` and on the webgpu
 * backend over GPU copies, and compare the arguments at `outs` (|a - e| <= atol + rtol |e|; NaN
 * matches NaN; int32 outputs exactly). Arguments at `host` stay host arrays on the GPU side too
 * (geometry tables, divisors). Returns the worst excess for the log.
 */
async function compare(
  name: keyof HostBackend,
  args: unknown[],
  outs: number[],
  label: string,
  tol = { rtol: 1e-4, atol: 1e-5 },
  host: number[] = [],
): Promise<void> {
  const ref = args.map((a) => (isArray(a) ? a.slice() : a));
  (referenceBackend[name] as (...a: unknown[]) => void)(...ref);
  const dev = args.map((a, i) => (isArray(a) && !host.includes(i) ? onGpu(a) : a));
  (env.gpu[name] as (...a: unknown[]) => void)(...dev);
  for (const o of outs) {
    const d = dev[o];
    assert.ok(d instanceof GpuStorage, `${label}: output ${o} is not a GPU storage`);
    assert.ok(d.onGpu || d.pristine === false, `${label}: output ${o} was not written on the GPU`);
    const got = await d.read();
    const want = ref[o] as TypedArray;
    assert.equal(got.length, want.length, `${label}: output ${o} length`);
    for (let i = 0; i < want.length; i++) {
      const e = want[i]!,
        v = got[i]!;
      if (Number.isNaN(e) && Number.isNaN(v)) continue;
      if (want instanceof Int32Array) {
        assert.equal(v, e, `${label}: output ${o}[${i}] is ${v}, the reference gives ${e}`);
        continue;
      }
      if (e === v) continue;
      const ok = Math.abs(v - e) <= tol.atol + tol.rtol * Math.abs(e);
      assert.ok(ok, `${label}: output ${o}[${i}] is ${v}, the reference gives ${e} (|diff| ${Math.abs(v - e)})`);
    }
  }
}

// ------------------------------------------------------------------------------------------ conv

interface ConvCase {
  batch: number;
  channels: number;
  out: number;
  groups: number;
  img: number[];
  kernel: number[];
  stride?: number[];
  padding?: number[];
  dilation?: number[];
  bias?: boolean;
}

function convGeometry(c: ConvCase): ConvGeometry {
  const nd = c.img.length;
  const stride = c.stride ?? new Array<number>(nd).fill(1),
    padding = c.padding ?? new Array<number>(nd).fill(0),
    dilation = c.dilation ?? new Array<number>(nd).fill(1);
  const colSize = c.img.map((n, d) => Math.floor((n + 2 * padding[d]! - dilation[d]! * (c.kernel[d]! - 1) - 1) / stride[d]!) + 1);
  return { batch: c.batch, channels: c.channels, imgSize: c.img, kernel: c.kernel, stride, padding, dilation, colSize };
}

const CONV_CASES: ConvCase[] = [
  { batch: 2, channels: 3, out: 5, groups: 1, img: [11], kernel: [3], bias: true },
  { batch: 1, channels: 4, out: 6, groups: 2, img: [13], kernel: [4], stride: [2], padding: [2], dilation: [2] },
  { batch: 2, channels: 3, out: 4, groups: 1, img: [7, 9], kernel: [3, 2], stride: [2, 1], padding: [1, 0], bias: true },
  { batch: 3, channels: 6, out: 6, groups: 6, img: [5, 6], kernel: [3, 3], padding: [1, 1], bias: true }, // depthwise
  { batch: 1, channels: 4, out: 8, groups: 2, img: [9, 8], kernel: [3, 3], stride: [2, 2], dilation: [2, 1], padding: [2, 1] },
  { batch: 2, channels: 35, out: 70, groups: 1, img: [6, 5], kernel: [2, 2], bias: true }, // past one 64 x 64 tile
  { batch: 1, channels: 2, out: 3, groups: 1, img: [4, 5, 3], kernel: [2, 3, 2], padding: [1, 1, 0], stride: [1, 2, 1] },
  { batch: 2, channels: 2, out: 2, groups: 2, img: [3, 4, 4], kernel: [2, 2, 2], dilation: [1, 2, 1], bias: true },
  { batch: 1, channels: 1, out: 1, groups: 1, img: [3, 3], kernel: [3, 3] }, // one output position
  { batch: 2, channels: 4, out: 8, groups: 4, img: [6, 7], kernel: [3, 2], stride: [2, 1], padding: [1, 1], bias: true }, // depthwise, multiplier 2
  { batch: 1, channels: 3, out: 3, groups: 3, img: [9], kernel: [3], dilation: [2], padding: [2] }, // depthwise 1-d
  { batch: 3, channels: 2, out: 4, groups: 2, img: [40, 30], kernel: [3, 3], padding: [1, 1], bias: true }, // weight gradient split over its depth
];

const convLabel = (c: ConvCase): string =>
  `${c.img.length}-d N${c.batch} C${c.channels} O${c.out} g${c.groups} img ${c.img} k ${c.kernel} s ${c.stride ?? 1} p ${c.padding ?? 0} d ${c.dilation ?? 1}${c.bias ? " bias" : ""}`;

describe("webgpu conv kernels against the reference", () => {
  CONV_CASES.forEach((c, i) => {
    const g = convGeometry(c);
    const P = g.imgSize.reduce((a, b) => a * b, 1),
      K = g.kernel.reduce((a, b) => a * b, 1),
      L = g.colSize.reduce((a, b) => a * b, 1);
    const x = rand(c.batch * c.channels * P, 10 + i),
      w = rand((c.out * c.channels * K) / c.groups, 20 + i),
      b = c.bias ? rand(c.out, 30 + i) : null,
      dy = rand(c.batch * c.out * L, 40 + i),
      cols = rand(c.batch * c.channels * K * L, 50 + i);
    const label = convLabel(c);
    gpuIt(`convForward ${label}`, () =>
      compare("convForward", [x, w, b, new Float32Array(c.batch * c.out * L), g, c.groups, c.out], [3], label),
    );
    gpuIt(`convBackwardInput ${label}`, () =>
      compare("convBackwardInput", [dy, w, new Float32Array(x.length), g, c.groups, c.out], [2], label),
    );
    gpuIt(`convBackwardWeight ${label}`, () =>
      compare("convBackwardWeight", [x, dy, new Float32Array(w.length), g, c.groups, c.out], [2], label),
    );
    gpuIt(`convBackward ${label}`, () =>
      compare("convBackward", [x, w, dy, new Float32Array(x.length), new Float32Array(w.length), g, c.groups, c.out], [3, 4], label),
    );
    gpuIt(`im2col, col2im ${label}`, async () => {
      await compare("im2col", [x, new Float32Array(cols.length), g], [1], label);
      await compare("col2im", [cols, new Float32Array(x.length), g], [1], label);
    });
  });
  gpuIt("convForward with a transposed conv's larger image (outputPadding): col2im writes zeros where no column reaches", async () => {
    const g: ConvGeometry = { batch: 1, channels: 2, imgSize: [8], kernel: [3], stride: [2], padding: [1], dilation: [1], colSize: [3] };
    await compare("col2im", [rand(2 * 3 * 3, 5), new Float32Array(16), g], [1], "outputPadding");
    await compare("convBackwardInput", [rand(3 * 3, 6), rand(3 * 2 * 3, 7), new Float32Array(16), g, 1, 3], [2], "outputPadding");
  });
});

// --------------------------------------------------------------------------------------- pooling

/** Windows as the pooling ops build them: size k, stride s, padding p, dilation d per dim (floor mode). */
function poolGeometry(planes: number, inSize: number[], k: number[], s: number[], p: number[], d: number[]): PoolGeometry {
  const outSize = inSize.map((n, i) => Math.floor((n + 2 * p[i]! - d[i]! * (k[i]! - 1) - 1) / s[i]!) + 1);
  return {
    planes,
    inSize,
    outSize,
    start: outSize.map((o, i) => Int32Array.from({ length: o }, (_, j) => j * s[i]! - p[i]!)),
    count: outSize.map((o, i) => new Int32Array(o).fill(k[i]!)),
    dilation: d,
  };
}

const POOL_CASES: [number, number[], number[], number[], number[], number[]][] = [
  [3, [10], [3], [2], [1], [1]],
  [2, [7, 9], [3, 2], [2, 2], [1, 0], [1, 2]],
  [1, [5, 6], [2, 2], [1, 1], [0, 0], [1, 1]],
  [2, [4, 5, 3], [2, 3, 2], [1, 2, 1], [1, 1, 0], [1, 1, 1]],
];

describe("webgpu pooling kernels against the reference", () => {
  POOL_CASES.forEach(([planes, inSize, k, s, p, d], i) => {
    const g = poolGeometry(planes, inSize, k, s, p, d);
    const P = inSize.reduce((a, b) => a * b, 1),
      O = g.outSize.reduce((a, b) => a * b, 1);
    const label = `planes ${planes} in ${inSize} k ${k} s ${s} p ${p} d ${d}`;
    const x = rand(planes * P, 60 + i);
    // ties and NaN: a run of equal values and a NaN
    x[1] = x[2] = x[3] = 0.75;
    x[Math.min(5, x.length - 1)] = Number.NaN;
    const divisor = Float64Array.from({ length: O }, (_, o) => 1 + (o % 4));
    gpuIt(`maxPool ${label}`, () => compare("maxPool", [x, new Float32Array(planes * O), new Int32Array(planes * O), g], [1, 2], label));
    gpuIt(`avgPool ${label}`, () => compare("avgPool", [x, new Float32Array(planes * O), divisor, g], [1], label, undefined, [2]));
    gpuIt(`avgPoolBackward ${label}`, () =>
      compare("avgPoolBackward", [rand(planes * O, 70 + i), rand(planes * P, 80 + i), divisor, g], [1], label, undefined, [2]),
    );
  });
});

// -------------------------------------------------------------------------------------- indexing

describe("webgpu index kernels against the reference", () => {
  const shapes: [number, number, number, number][] = [
    [1, 7, 1, 12],
    [3, 5, 4, 9],
    [2, 1, 3, 4],
    [1, 6, 5, 0],
  ];
  shapes.forEach(([outer, size, inner, m], i) => {
    const label = `[${outer}, ${size}, ${inner}] index ${m}`;
    const index = randInt(m, size, 90 + i); // repeats: m > size
    gpuIt(`indexSelect ${label} (float32 and int32)`, async () => {
      await compare(
        "indexSelect",
        [rand(outer * size * inner, 100 + i), outer, size, inner, index, new Float32Array(outer * m * inner)],
        [5],
        label,
      );
      await compare(
        "indexSelect",
        [randInt(outer * size * inner, 1000, 5), outer, size, inner, index, new Int32Array(outer * m * inner)],
        [5],
        label,
      );
    });
    gpuIt(`indexAdd ${label}: repeated indices sum in order (exact)`, () =>
      compare("indexAdd", [rand(outer * size * inner, 110 + i), outer, size, inner, index, rand(outer * m * inner, 120 + i)], [0], label, {
        rtol: 0,
        atol: 0,
      }),
    );
  });
  const gathers: [number[], number, number[]][] = [
    [[5], 0, [8]],
    [[4, 6], 1, [4, 3]],
    [[4, 6], 0, [7, 5]],
    [[3, 4, 5], 1, [2, 6, 3]],
    [[3, 4, 5], 2, [3, 4, 7]],
    [[], 0, []],
  ];
  gathers.forEach(([xShape, dim, indexShape], i) => {
    const label = `x [${xShape}] dim ${dim} index [${indexShape}]`;
    const nx = xShape.reduce((a, b) => a * b, 1),
      ni = indexShape.reduce((a, b) => a * b, 1);
    const index = randInt(ni, xShape[dim] ?? 1, 130 + i);
    gpuIt(`gather ${label}`, () =>
      compare("gather", [rand(nx, 140 + i), xShape, dim, index, indexShape, new Float32Array(ni)], [5], label),
    );
    // scatterAdd into out of xShape from src of indexShape (src may be larger: index covers a prefix)
    gpuIt(`scatterAdd ${label}: repeated targets sum in order (exact)`, async () => {
      await compare("scatterAdd", [rand(nx, 150 + i), xShape, dim, index, indexShape, rand(ni, 160 + i), indexShape], [0], label, {
        rtol: 0,
        atol: 0,
      });
      const big = indexShape.map((n) => n + 1);
      await compare(
        "scatterAdd",
        [
          randInt(nx, 50, 3),
          xShape,
          dim,
          index,
          indexShape,
          randInt(
            big.reduce((a, b) => a * b, 1),
            50,
            4,
          ),
          big,
        ],
        [0],
        `${label} int32, larger src`,
      );
    });
  });
});

// ------------------------------------------------------------------------------------- recurrent

describe("webgpu recurrent kernels against the reference", () => {
  const dims: [number, number][] = [
    [1, 3],
    [4, 5],
    [3, 17],
  ];
  dims.forEach(([B, H], i) => {
    const label = `B ${B} H ${H}`;
    const S = B * H;
    gpuIt(`lstmCell, lstmCellBackward ${label}`, async () => {
      const gates = rand(4 * S, 200 + i, 3),
        c = rand(S, 210 + i);
      await compare("lstmCell", [gates, c, new Float32Array(S), new Float32Array(S), B, H], [2, 3], label);
      const c1 = new Float32Array(S),
        h1 = new Float32Array(S);
      referenceBackend.lstmCell(gates, c, c1, h1, B, H);
      await compare(
        "lstmCellBackward",
        [gates, c, c1, rand(S, 220 + i), rand(S, 230 + i), new Float32Array(4 * S), new Float32Array(S), B, H],
        [5, 6],
        label,
      );
    });
    gpuIt(`gruCell, gruCellBackward ${label}`, async () => {
      const xg = rand(3 * S, 240 + i, 2),
        hg = rand(3 * S, 250 + i, 2),
        h = rand(S, 260 + i);
      await compare("gruCell", [xg, hg, h, new Float32Array(S), B, H], [3], label);
      await compare(
        "gruCellBackward",
        [xg, hg, h, rand(S, 270 + i), new Float32Array(3 * S), new Float32Array(3 * S), new Float32Array(S), B, H],
        [4, 5, 6],
        label,
      );
    });
  });
  const seqs: [number, number, number][] = [
    [5, 2, 3],
    [1, 1, 4],
    [4, 3, 9],
    [0, 2, 3],
  ];
  const tol = { rtol: 1e-4, atol: 5e-5 };
  for (const [T, B, H] of seqs) {
    for (const reverse of [false, true]) {
      const label = `T ${T} B ${B} H ${H}${reverse ? " reverse" : ""}`;
      const S = B * H,
        seed = 300 + T * 7 + B * 3 + H + (reverse ? 1 : 0);
      gpuIt(`lstmSequence, lstmSequenceBackward ${label}`, async () => {
        const xg = rand(T * 4 * S, seed),
          h0 = rand(S, seed + 1),
          c0 = rand(S, seed + 2),
          w = rand(4 * H * H, seed + 3, 0.5);
        await compare(
          "lstmSequence",
          [xg, h0, c0, w, new Float32Array(2 * T * S), new Float32Array(T * 4 * S), T, B, H, reverse],
          [4, 5],
          label,
          tol,
        );
        const out = new Float32Array(2 * T * S),
          gates = new Float32Array(T * 4 * S);
        referenceBackend.lstmSequence(xg, h0, c0, w, out, gates, T, B, H, reverse);
        const gOut = rand(2 * T * S, seed + 4);
        await compare(
          "lstmSequenceBackward",
          [
            w,
            gates,
            out,
            h0,
            c0,
            gOut,
            new Float32Array(T * 4 * S),
            new Float32Array(S),
            new Float32Array(S),
            new Float32Array(4 * H * H),
            T,
            B,
            H,
            reverse,
          ],
          [6, 7, 8, 9],
          label,
          tol,
        );
      });
      for (const bias of [true, false]) {
        gpuIt(`gruSequence, gruSequenceBackward ${label}${bias ? " bias" : ""}`, async () => {
          const xg = rand(T * 3 * S, seed + 5),
            h0 = rand(S, seed + 6),
            w = rand(3 * H * H, seed + 7, 0.5),
            b = bias ? rand(3 * H, seed + 8) : null;
          await compare(
            "gruSequence",
            [xg, h0, w, b, new Float32Array(T * S), new Float32Array(T * 3 * S), T, B, H, reverse],
            [4, 5],
            label,
            tol,
          );
          const out = new Float32Array(T * S),
            hg = new Float32Array(T * 3 * S);
          referenceBackend.gruSequence(xg, h0, w, b, out, hg, T, B, H, reverse);
          await compare(
            "gruSequenceBackward",
            [
              xg,
              w,
              hg,
              out,
              h0,
              rand(T * S, seed + 9),
              new Float32Array(T * 3 * S),
              new Float32Array(S),
              new Float32Array(3 * H * H),
              bias ? new Float32Array(3 * H) : null,
              T,
              B,
              H,
              reverse,
            ],
            bias ? [6, 7, 8, 9] : [6, 7, 8],
            label,
            tol,
          );
        });
      }
    }
  }
});

// ---------------------------------------------------------------------------------- scan, sort

describe("webgpu scan and sort kernels against the reference", () => {
  const views: [number, number, number][] = [
    [1, 37, 1],
    [3, 9, 4],
    [2, 1, 5],
    [1, 100, 2],
  ];
  views.forEach(([outer, size, inner], i) => {
    const n = outer * size * inner,
      label = `[${outer}, ${size}, ${inner}]`;
    gpuIt(`scan sum, prod (float32 and int32, both directions) ${label}`, async () => {
      const x = rand(n, 400 + i, 2);
      const near1 = Float32Array.from(rand(n, 410 + i, 0.2), (v) => 1 + v);
      for (const reverse of [false, true]) {
        await compare("scan", ["sum", x, outer, size, inner, reverse, new Float32Array(n)], [6], `${label} sum`, {
          rtol: 1e-6,
          atol: 1e-6,
        });
        await compare("scan", ["prod", near1, outer, size, inner, reverse, new Float32Array(n)], [6], `${label} prod`, {
          rtol: 1e-6,
          atol: 1e-30,
        });
        await compare("scan", ["sum", randInt(n, 2 ** 30, 5), outer, size, inner, reverse, new Int32Array(n)], [6], `${label} int sum`);
        await compare("scan", ["prod", randInt(n, 7, 6), outer, size, inner, reverse, new Int32Array(n)], [6], `${label} int prod`);
      }
    });
    gpuIt(`sort, top-k (ties, NaN, ±0; float32 and int32) ${label}`, async () => {
      const x = Float32Array.from(randInt(n, 6, 420 + i), (v) => v / 2 - 1); // many ties
      x[0] = Number.NaN;
      if (n > 3) x[3] = -0;
      if (n > 7) x[7] = Number.NaN;
      for (const descending of [false, true]) {
        for (const k of new Set([size, Math.min(3, size), 1])) {
          const args = [x, outer, size, inner, k, descending, new Float32Array(outer * k * inner), new Int32Array(outer * k * inner)];
          await compare("sort", args, [6, 7], `${label} k ${k}${descending ? " desc" : ""}`, { rtol: 0, atol: 0 });
          const xi = randInt(n, 5, 430 + i);
          await compare(
            "sort",
            [xi, outer, size, inner, k, descending, new Int32Array(outer * k * inner), new Int32Array(outer * k * inner)],
            [6, 7],
            `${label} int32`,
          );
        }
      }
    });
  });
});

// ------------------------------------------------------------------------- PyTorch fixtures

/**
 * The test files whose fixture families these kernels serve. They are imported with node:test
 * replaced by the browser harness's shim (test/browser/shims/nodeTest.ts: describe runs at once,
 * it() registers), so each family's own mapping runs here, on webgpu, case by case.
 */
const FIXTURE_FILES = [
  "../../ops/conv.test.js",
  "../../ops/pool.test.js",
  "../../ops/unfold.test.js",
  "../../ops/sortScan.torch.test.js",
  "../../nn/rnn.test.js",
  "../../nn/embedding.test.js",
].map((f) => new URL(import.meta.resolve(f)));

describe("PyTorch fixture families on webgpu", () => {
  gpuIt("every case of the conv, pooling, unfold, scan, sort, recurrent and embedding families", async () => {
    await runFixtureFilesOnWebGpu(FIXTURE_FILES);
  });
});

// ------------------------------------------------------------------- ops over GPU-resident values

describe("ops over values already on the GPU match wasm", () => {
  /** Run `f` on wasm and on webgpu (its inputs computed on the GPU there: x * 2) and compare. */
  async function same(label: string, f: (x: tl.Tensor) => tl.Tensor[]): Promise<void> {
    const data = [1.5, 2, -0.5, 0.25, 3, 1.2, -2, 0.75, 1.1, 0.6, -1.3, 2.2];
    const results: Float32Array[][] = [];
    for (const be of ["wasm", "webgpu"] as const) {
      tl.setBackend(be);
      const x0 = tl.tensor(data, { shape: [3, 4], dtype: "float32", requiresGrad: true });
      const outs = f(x0.mul(2));
      const got: Float32Array[] = [];
      for (const o of outs) got.push(Float32Array.from(await o.dataAsync()));
      got.push(Float32Array.from(await x0.grad!.dataAsync()));
      results.push(got);
    }
    tl.setBackend("webgpu");
    const [want, got] = results as [Float32Array[], Float32Array[]];
    want.forEach((w, j) => {
      w.forEach((e, i) => {
        const v = got[j]![i]!;
        assert.ok(Math.abs(v - e) <= 1e-5 + 1e-5 * Math.abs(e), `${label}: result ${j}[${i}] is ${v} on webgpu, ${e} on wasm`);
      });
    });
  }
  const seed = tl.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], { shape: [3, 4], dtype: "float32" });
  gpuIt("cumprod's backward does not read x back", () =>
    same("cumprod", (x) => {
      const y = tl.cumprod(x, 1);
      y.backward(seed);
      return [y];
    }),
  );
  gpuIt("sort's backward scatters through indices that stay on the GPU", () =>
    same("sort", (x) => {
      const r = x.sort(1, { descending: true });
      r.values.backward(seed);
      return [r.values, r.indices.to("float32")];
    }),
  );
  gpuIt("indexSelect and gather by GPU-made indices", () =>
    same("index", (x) => {
      const idx = tl.argsort(x, 1);
      const g = tl.gather(x, 1, idx);
      const s = tl.indexSelect(x, 0, tl.argsort(x.sum(1), 0));
      g.mul(s).sum().backward();
      return [g, s];
    }),
  );

  /** int32 values computed on the GPU (a float op, then a cast there), as a model's targets would be. */
  const gpuInts = (v: number[], shape = [v.length]): tl.Tensor => tl.tensor(v, { shape, dtype: "float32" }).add(0).to("int32");
  const rejects = async (p: Promise<unknown>, pattern: RegExp): Promise<void> => {
    await assert.rejects(p, (e: Error) => {
      assert.match(e.message, pattern);
      return true;
    });
  };
  gpuIt("class targets out of range on the GPU: the next read throws the loss's error, then reads work again", async () => {
    tl.setBackend("webgpu");
    const scores = tl.tensor(Array.from(rand(4 * 5, 71)), { shape: [4, 5], dtype: "float32" }).add(0);
    const bad = gpuInts([1, 0, 9, 7]);
    assert.equal(bad.deviceStorage?.hostAddressable, false, "the targets live on the GPU");
    const loss = tl.nn.functional.crossEntropy(scores, bad);
    // the lowest bad position is reported, whichever thread found it first; crossEntropy checks through nllLoss, as on the host
    await rejects(loss.itemAsync(), /nllLoss: target 9 at position 2 is out of bounds for 5 classes; targets must be in \[0, 4\]/);
    const ok = tl.nn.functional.crossEntropy(scores, gpuInts([1, 0, 4, -100]));
    const host = tl.nn.functional.crossEntropy(
      tl.tensor(Array.from(rand(4 * 5, 71)), { shape: [4, 5], dtype: "float32" }),
      tl.tensor([1, 0, 4, -100], { dtype: "int32" }),
    );
    assert.ok(Math.abs((await ok.itemAsync()) - (await host.itemAsync())) < 1e-6, "ignoreIndex passes the check, and the loss is right");
    await rejects(
      tl.nn.functional.nllLoss(scores, gpuInts([0, -1, 0, 0])).itemAsync(),
      /nllLoss: target -1 at position 1 is out of bounds/,
    );
  });
  gpuIt(
    "indices out of range on the GPU: gather and indexSelect report theirs at the next read, which may read another tensor",
    async () => {
      tl.setBackend("webgpu");
      const x = tl.tensor(Array.from(rand(3 * 4, 72)), { shape: [3, 4], dtype: "float32" }).add(0);
      tl.indexSelect(x, 0, gpuInts([0, 2, -1]));
      const other = x.mul(2);
      await rejects(
        other.dataAsync(),
        /indexSelect: index -1 \(at position 2\) is out of range for dim 0 of size 3; .*add 3 to them first/,
      );
      tl.gather(x, 1, gpuInts([0, 1, 2, 3, 4, 0], [3, 2]));
      await rejects(x.dataAsync(), /gather: index 4 \(at position 4\) is out of range for dim 1 of size 4/);
      // in range: no error, the values as on the host
      const idx = gpuInts([3, 0, 1, 1, 2, 3], [3, 2]);
      const xs = await x.dataAsync();
      const want = [0 * 4 + 3, 0 * 4 + 0, 1 * 4 + 1, 1 * 4 + 1, 2 * 4 + 2, 2 * 4 + 3].map((k) => xs[k]!);
      assert.deepEqual(Array.from(await tl.gather(x, 1, idx).dataAsync()), want);
    },
  );
  gpuIt("embedding by indices made on the GPU: rows and gradients (paddingIdx, scaleGradByFreq) as with host indices", async () => {
    tl.setBackend("webgpu");
    const ids = [2, 0, 2, 3, 1, 2];
    for (const opts of [{}, { paddingIdx: 2 }, { scaleGradByFreq: true }, { paddingIdx: 0, scaleGradByFreq: true }]) {
      const run = async (idx: tl.Tensor): Promise<number[][]> => {
        const w = tl.tensor(Array.from(rand(4 * 3, 73)), { shape: [4, 3], dtype: "float32" }).requiresGrad_();
        const y = tl.nn.functional.embedding(idx, w, opts);
        y.mul(tl.tensor(Array.from(rand(6 * 3, 74)), { shape: [2, 3, 3], dtype: "float32" }))
          .sum()
          .backward();
        return [Array.from(await y.dataAsync()), Array.from(await w.grad!.dataAsync())];
      };
      const onDevice = gpuInts(ids, [2, 3]);
      assert.equal(onDevice.deviceStorage?.hostAddressable, false);
      const [yd, gd] = await run(onDevice);
      const [yh, gh] = await run(tl.tensor(ids, { shape: [2, 3], dtype: "int32" }));
      assert.deepEqual(yd, yh, `rows ${JSON.stringify(opts)}`);
      gd!.forEach((v, i) =>
        assert.ok(Math.abs(v - gh![i]!) <= 1e-6 * Math.max(1, Math.abs(v)), `grad ${i} ${JSON.stringify(opts)}: ${v} vs ${gh![i]}`),
      );
    }
    await rejects(
      tl.nn.functional.embedding(gpuInts([0, 4]), tl.ones([4, 2])).dataAsync(),
      /embedding: index 4 \(at flat position 1 of input \[2\]\) is out of range for 4 embeddings/,
    );
    assert.throws(
      () => tl.nn.functional.embedding(gpuInts([0, 1]), tl.ones([4, 2]), { maxNorm: 1 }),
      /embedding: maxNorm .* these indices are on the GPU/,
    );
  });
});
