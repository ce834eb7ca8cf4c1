// F.unfold / F.fold against PyTorch's fixtures (scripts/fixtures/make_unfold_refs.py) on every
// backend; the rules that tie them together on random geometries (each is the other's adjoint,
// conv2d is a GEMM over unfold, unbatched = batched without the batch dim); float64 gradchecks;
// PyTorch's refusals.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { BACKENDS, LOCAL_FIXTURE_DIR, describeFixtures } from "../../test/support/fixtures.js";

const F = tl.F;
// biome-ignore lint/suspicious/noExplicitAny: PyTorch's keyword arguments from the fixture JSON, each passed on to the option it names
type Args = Record<string, any>;
const opts = (a: Args) => ({ dilation: a.dilation, padding: a.padding, stride: a.stride });

describeFixtures("unfold", (c, ins) => F.unfold(ins.input!, (c.args as Args).kernel_size, opts(c.args)), LOCAL_FIXTURE_DIR);
describeFixtures(
  "fold",
  (c, ins) => F.fold(ins.input!, (c.args as Args).output_size, (c.args as Args).kernel_size, opts(c.args)),
  LOCAL_FIXTURE_DIR,
);

/** A random valid geometry with 1 to 4 blocks per dim, kernels, dilation, padding and stride 1..3. */
function randomGeometry(rand: () => number) {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pair = (lo: number, hi: number): [number, number] => [int(lo, hi), int(lo, hi)];
  for (;;) {
    const kernel = pair(1, 3),
      dilation = pair(1, 3),
      padding = pair(0, 2),
      stride = pair(1, 3),
      size = pair(1, 7);
    const blocks = size.map((n, i) => Math.floor((n + 2 * padding[i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1);
    if (blocks.every((b) => b >= 1)) return { kernel, dilation, padding, stride, size, blocks, N: int(1, 2), C: int(1, 3) };
  }
}

function mulberry(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dot = (a: tl.Tensor, b: tl.Tensor): number => a.mul(b).sum().item();

for (const backend of BACKENDS) {
  describe(`unfold/fold rules on ${backend}`, () => {
    it("fold is unfold's adjoint: <unfold(x), y> = <x, fold(y)> on 150 random geometries (float64)", () => {
      tl.setBackend(backend);
      const rand = mulberry(1);
      for (let t = 0; t < 150; t++) {
        const g = randomGeometry(rand);
        const o = { dilation: g.dilation, padding: g.padding, stride: g.stride };
        const x = tl.randn([g.N, g.C, ...g.size], { dtype: "float64" });
        const u = F.unfold(x, g.kernel, o);
        assert.deepEqual(u.shape, [g.N, g.C * g.kernel[0] * g.kernel[1], g.blocks[0]! * g.blocks[1]!]);
        const y = tl.randn(u.shape, { dtype: "float64" });
        const f = F.fold(y, g.size, g.kernel, o);
        assert.deepEqual(f.shape, x.shape);
        const lhs = dot(u, y),
          rhs = dot(x, f);
        assert.ok(Math.abs(lhs - rhs) <= 1e-9 * (1 + Math.abs(lhs)), `${JSON.stringify(g)}: ${lhs} vs ${rhs}`);
      }
    });

    it("conv2d equals a GEMM of the flattened weight with unfold(x), on 60 random geometries (float32 and float64)", () => {
      tl.setBackend(backend);
      const rand = mulberry(2);
      for (let t = 0; t < 60; t++) {
        const g = randomGeometry(rand);
        const dtype = t % 2 ? "float32" : "float64";
        const o = { dilation: g.dilation, padding: g.padding, stride: g.stride };
        const x = tl.randn([g.N, g.C, ...g.size], { dtype }),
          w = tl.randn([3, g.C, ...g.kernel], { dtype });
        const viaUnfold = tl.matmul(w.reshape([3, -1]), F.unfold(x, g.kernel, o)).reshape([g.N, 3, ...g.blocks]);
        const y = F.conv2d(x, w, null, o);
        const tol = dtype === "float64" ? 1e-10 : 1e-4;
        assert.ok(y.sub(viaUnfold).abs().max().item() <= tol * (1 + y.abs().max().item()), JSON.stringify(g));
      }
    });

    it("unbatched input gives the batched result without its batch dim, values and gradients (40 geometries)", () => {
      tl.setBackend(backend);
      const rand = mulberry(3);
      for (let t = 0; t < 40; t++) {
        const g = randomGeometry(rand);
        const o = { dilation: g.dilation, padding: g.padding, stride: g.stride };
        const x = tl.randn([g.C, ...g.size], { dtype: "float64", requiresGrad: true });
        const xb = x.detach().unsqueeze(0).requiresGrad_();
        const u = F.unfold(x, g.kernel, o),
          ub = F.unfold(xb, g.kernel, o);
        assert.deepEqual(u.shape, ub.shape.slice(1));
        assert.deepEqual([...u.storage], [...ub.storage]);
        const gy = tl.randn(u.shape, { dtype: "float64" });
        u.backward(gy);
        ub.backward(gy.unsqueeze(0));
        assert.deepEqual([...x.grad!.storage], [...xb.grad!.storage]);
        const f = F.fold(gy, g.size, g.kernel, o),
          fb = F.fold(gy.unsqueeze(0), g.size, g.kernel, o);
        assert.deepEqual(f.shape, fb.shape.slice(1));
        assert.deepEqual([...f.storage], [...fb.storage]);
      }
    });

    it("an empty batch gives an empty result of the right shape, forward and backward", () => {
      tl.setBackend(backend);
      const x = tl.zeros([0, 3, 4, 5], { requiresGrad: true });
      const u = F.unfold(x, 2);
      assert.deepEqual(u.shape, [0, 12, 12]);
      u.sum().backward();
      assert.deepEqual(x.grad!.shape, [0, 3, 4, 5]);
      assert.deepEqual(F.fold(tl.zeros([0, 12, 20]), [5, 6], 2).shape, [0, 3, 5, 6]);
    });
  });
}

describe("unfold/fold gradcheck (float64)", () => {
  const r = (shape: number[]) => tl.randn(shape, { dtype: "float64", requiresGrad: true });
  it("unfold and fold on 12 random geometries, batched and unbatched", () => {
    tl.manualSeed(7);
    const rand = mulberry(4);
    for (let t = 0; t < 12; t++) {
      const g = randomGeometry(rand);
      const o = { dilation: g.dilation, padding: g.padding, stride: g.stride };
      const lead = t % 2 ? [] : [g.N];
      tl.gradCheck((x) => F.unfold(x, g.kernel, o), [r([...lead, g.C, ...g.size])]);
      tl.gradCheck((y) => F.fold(y, g.size, g.kernel, o), [r([...lead, g.C * g.kernel[0] * g.kernel[1], g.blocks[0]! * g.blocks[1]!])]);
    }
  });
  it("second derivative: the backward of each is the other op, recorded", () => {
    tl.manualSeed(8);
    const o = { padding: 1, stride: 2, dilation: [1, 2] };
    tl.gradCheck(
      (x) =>
        tl.enableGrad(() => {
          const u = F.unfold(x, [2, 3], o);
          const [gx] = tl.grad(u.mul(u).sum(), [x], undefined, { createGraph: true }) as [tl.Tensor];
          return gx;
        }),
      [r([1, 2, 5, 6])],
    );
    const x = r([1, 2, 4, 4]);
    const u = F.unfold(x, 2, { stride: 2 });
    assert.equal(u.gradFn?.name, "Im2ColBackward0");
    assert.equal(F.fold(u, 4, 2, { stride: 2 }).gradFn?.name, "Col2ImBackward0");
  });
});

describe("unfold/fold modules", () => {
  it("nn.Unfold and nn.Fold call the functional ops with their options", () => {
    const x = tl.randn([2, 3, 6, 5]);
    const u = new tl.nn.Unfold([2, 3], { padding: 1, stride: [2, 1] });
    assert.deepEqual([...u.forward(x).storage], [...F.unfold(x, [2, 3], { padding: 1, stride: [2, 1] }).storage]);
    const f = new tl.nn.Fold([6, 5], [2, 3], { padding: 1, stride: [2, 1] });
    const cols = u.forward(x);
    assert.deepEqual([...f.forward(cols).storage], [...F.fold(cols, [6, 5], [2, 3], { padding: 1, stride: [2, 1] }).storage]);
    assert.match(String(f), /Fold\(output_size=\[6,5\], kernel_size=\[2,3\], dilation=1, padding=1, stride=\[2,1\]\)/);
  });
});

describe("unfold/fold refuse what PyTorch refuses", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "unfold 2-D input",
      () => F.unfold(tl.ones([3, 4]), 2),
      /^unfold: expected a 3-D \(unbatched \[C, H, W\]\) or 4-D \(batched \[N, C, H, W\]\) input, got \[3, 4\]\.$/,
    ],
    [
      "unfold 5-D input",
      () => F.unfold(tl.ones([1, 1, 3, 4, 4]), 2),
      /^unfold: expected a 3-D .* got \[1, 1, 3, 4, 4\]\. It takes 2 spatial dims/,
    ],
    [
      "unfold empty channels",
      () => F.unfold(tl.ones([1, 0, 4, 4]), 2),
      /^unfold: input \[1, 0, 4, 4\] has size 0 in dim 1; only the batch dim may be empty/,
    ],
    ["unfold empty spatial dim", () => F.unfold(tl.ones([1, 3, 0, 4]), 1), /size 0 in dim 2/],
    ["unfold unbatched empty dim 0", () => F.unfold(tl.ones([0, 4, 4]), 1), /size 0 in dim 0/],
    [
      "unfold kernel larger than the padded input",
      () => F.unfold(tl.ones([2, 3, 4, 4]), 5),
      /^unfold: input \[2, 3, 4, 4\] with kernelSize \[5, 5\], dilation \[1, 1\], padding \[0, 0\], stride \[1, 1\] has 0 sliding blocks along spatial dim 0: floor\(\(4 \+ 2\*0 - 1\*\(5 - 1\) - 1\) \/ 1\) \+ 1 = 0/,
    ],
    ["unfold stride 0", () => F.unfold(tl.ones([1, 3, 4, 4]), 2, { stride: 0 }), /^unfold: stride must be an integer >= 1/],
    ["unfold kernel 0", () => F.unfold(tl.ones([1, 3, 4, 4]), 0), /^unfold: kernelSize must be an integer >= 1/],
    ["unfold negative padding", () => F.unfold(tl.ones([1, 3, 4, 4]), 2, { padding: -1 }), /^unfold: padding must be an integer >= 0/],
    ["unfold dilation 0", () => F.unfold(tl.ones([1, 3, 4, 4]), 2, { dilation: 0 }), /^unfold: dilation must be an integer >= 1/],
    [
      "unfold 3 kernel sizes",
      () => F.unfold(tl.ones([1, 3, 4, 4]), [2, 3, 1]),
      /^unfold: kernelSize must be an integer >= 1 or a list of 2 of them, got \[2,3,1\]/,
    ],
    ["unfold of integers", () => F.unfold(tl.ones([1, 3, 4, 4], { dtype: "int32" }), 2), /^unfold: expected a float tensor, got int32/],
    [
      "fold rows not divisible by the kernel",
      () => F.fold(tl.ones([1, 13, 20]), [5, 6], 2),
      /^fold: input \[1, 13, 20\] has 13 rows \(dim 1\), which must be divisible by prod\(kernelSize\) = 2 \* 2 = 4/,
    ],
    [
      "fold block count mismatch",
      () => F.fold(tl.ones([1, 12, 20]), [5, 6], 2, { stride: 2 }),
      /^fold: outputSize \[5, 6\] .* has 2 \* 3 = 6 sliding blocks, but input \[1, 12, 20\] has 20 columns/,
    ],
    [
      "fold 4-D input",
      () => F.fold(tl.ones([12, 20, 1, 1]), [5, 6], 2),
      /^fold: expected a 2-D \(unbatched \[C \* kH \* kW, L\]\) or 3-D \(batched \[N, C \* kH \* kW, L\]\) input, got \[12, 20, 1, 1\]/,
    ],
    ["fold empty columns", () => F.fold(tl.ones([1, 12, 0]), [1, 1], 2), /^fold: input \[1, 12, 0\] has size 0 in dim 2/],
    [
      "fold 3 output sizes",
      () => F.fold(tl.ones([1, 12, 20]), [5, 6, 1], 2),
      /^fold: outputSize must be an integer >= 1 or a list of 2 of them/,
    ],
    [
      "fold output smaller than the kernel",
      () => F.fold(tl.ones([1, 12, 1]), [1, 1], 2),
      /^fold: outputSize \[1, 1\] .* has 0 sliding blocks along spatial dim 0/,
    ],
  ];
  for (const [name, run, msg] of cases)
    it(name, () => assert.throws(run, (e: Error) => e instanceof tl.TensorloomError && msg.test(e.message), name));
});
