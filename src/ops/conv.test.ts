// Convolutions against PyTorch's fixtures (conv1d/2d/3d functional and module cases with every
// padding mode, conv_transpose1d/2d/3d) on every backend, float64 and float32; float64
// gradchecks of conv and its transpose (strides, dilation, groups); output-size errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import {
  BACKENDS,
  type FixtureCase,
  type FloatType,
  LOCAL_FIXTURE_DIR,
  checkCase,
  checkModuleCase,
  describeFixtureCases,
} from "../../test/support/fixtures.js";

const F = tl.F;
// biome-ignore lint/suspicious/noExplicitAny: PyTorch's keyword arguments from the fixture JSON, each passed on to the option it names
type Args = Record<string, any>;

const convFns = { 1: F.conv1d, 2: F.conv2d, 3: F.conv3d } as const;
const convTFns = { 1: F.convTranspose1d, 2: F.convTranspose2d, 3: F.convTranspose3d } as const;
const convModules = { 1: tl.nn.Conv1d, 2: tl.nn.Conv2d, 3: tl.nn.Conv3d } as const;

function runCase(c: FixtureCase, nd: 1 | 2 | 3, dtype: FloatType): void {
  const a = c.args as Args;
  if (c.call.startsWith("torch.nn.Conv")) {
    const m = new convModules[nd](a.in_channels, a.out_channels, a.kernel_size, {
      stride: a.stride,
      padding: a.padding,
      dilation: a.dilation,
      groups: a.groups,
      bias: a.bias,
      paddingMode: a.padding_mode,
    });
    checkModuleCase(c, dtype, m, (ins) => m.forward(ins.input!));
  } else if (c.call.includes("conv_transpose")) {
    checkCase(c, dtype, (ins) =>
      convTFns[nd](ins.input!, ins.weight!, ins.bias, {
        stride: a.stride,
        padding: a.padding,
        outputPadding: a.output_padding,
        dilation: a.dilation,
        groups: a.groups,
      }),
    );
  } else {
    checkCase(c, dtype, (ins) =>
      convFns[nd](ins.input!, ins.weight!, ins.bias, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups }),
    );
  }
}

for (const [family, nd] of [
  ["conv1d", 1],
  ["conv2d", 2],
  ["conv3d", 3],
  ["conv_transpose1d", 1],
  ["conv_transpose2d", 2],
  ["conv_transpose3d", 3],
] as const) {
  describeFixtureCases(family, (c, dtype) => runCase(c, nd, dtype));
}
// this project's own PyTorch references (scripts/fixtures/make_unfold_refs.py): transposed convs
// over an enumeration of (stride, dilation, outputPadding, kernel, padding), unbatched inputs
const ndOf = (c: FixtureCase) => Number(/(\d)d$/.exec(c.call)![1]) as 1 | 2 | 3;
describeFixtureCases("conv_transpose_outpad", (c, dtype) => runCase(c, ndOf(c), dtype), LOCAL_FIXTURE_DIR);
describeFixtureCases("conv_unbatched", (c, dtype) => runCase(c, ndOf(c), dtype), LOCAL_FIXTURE_DIR);

describe("conv gradcheck (float64)", () => {
  const r = (shape: number[]) => tl.randn(shape, { dtype: "float64", requiresGrad: true });
  const cases: [string, () => void][] = [
    [
      "conv1d stride 2 dilation 2 groups 2",
      () =>
        void tl.gradCheck(
          (x, w, b) => F.conv1d(x, w, b, { stride: 2, dilation: 2, groups: 2, padding: 1 }),
          [r([2, 4, 9]), r([6, 2, 3]), r([6])],
        ),
    ],
    [
      "conv2d stride (2,1) padding same-free",
      () => void tl.gradCheck((x, w) => F.conv2d(x, w, null, { stride: [2, 1], padding: [1, 0] }), [r([1, 3, 6, 5]), r([2, 3, 3, 2])]),
    ],
    [
      "conv2d padding same even kernel",
      () => void tl.gradCheck((x, w) => F.conv2d(x, w, null, { padding: "same" }), [r([1, 2, 5, 5]), r([2, 2, 4, 2])]),
    ],
    [
      "conv2d depthwise",
      () => void tl.gradCheck((x, w) => F.conv2d(x, w, null, { groups: 3, padding: 1 }), [r([2, 3, 4, 4]), r([3, 1, 3, 3])]),
    ],
    [
      "conv3d dilation",
      () =>
        void tl.gradCheck(
          (x, w, b) => F.conv3d(x, w, b, { dilation: [1, 2, 1], padding: 1 }),
          [r([1, 2, 4, 5, 3]), r([2, 2, 2, 2, 2]), r([2])],
        ),
    ],
    [
      "convTranspose1d stride 3 outputPadding 1 groups 2",
      () =>
        void tl.gradCheck(
          (x, w, b) => F.convTranspose1d(x, w, b, { stride: 3, outputPadding: 1, groups: 2, padding: 1 }),
          [r([2, 4, 4]), r([4, 1, 3]), r([2])],
        ),
    ],
    [
      "convTranspose2d dilation 2",
      () => void tl.gradCheck((x, w) => F.convTranspose2d(x, w, null, { dilation: 2, stride: 2 }), [r([1, 2, 3, 3]), r([2, 3, 2, 2])]),
    ],
    [
      "convTranspose3d",
      () => void tl.gradCheck((x, w) => F.convTranspose3d(x, w, null, { stride: [1, 2, 1] }), [r([1, 2, 2, 2, 2]), r([2, 2, 2, 2, 2])]),
    ],
    [
      "conv2d second derivative (double backward)",
      () => {
        // d/dx of sum(grad_w(conv)): the backward is built from ops, so it differentiates again
        // (gradCheck evaluates its finite differences under noGrad; enableGrad lets tl.grad run there)
        tl.gradCheck(
          (x, w) =>
            tl.enableGrad(() => {
              const y = F.conv2d(x, w, null, { stride: 2, padding: 1 });
              const [gw] = tl.grad(y.mul(y).sum(), [w], undefined, { createGraph: true }) as [tl.Tensor];
              return gw;
            }),
          [r([1, 2, 5, 5]), r([2, 2, 3, 3])],
        );
      },
    ],
  ];
  for (const [name, run] of cases)
    it(name, () => {
      tl.manualSeed(5);
      run();
    });
});

describe("conv shape rule and errors", () => {
  it("convOutputSize implements floor((n + 2p - d(k - 1) - 1) / s) + 1 and the transposed form", () => {
    assert.equal(tl.convOutputSize({ inputSize: 32, kernelSize: 3, padding: 1, stride: 2 }), 16); // floor(31/2)+1
    assert.equal(tl.convOutputSize({ inputSize: 10, kernelSize: 3, dilation: 3 }), 4); // 10-6-1+1
    assert.equal(tl.convOutputSize({ inputSize: 4, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, transposed: true }), 8); // 3*2-2+2+1+1
  });
  it("kernel larger than the padded input fails with the formula and the user's numbers", () => {
    assert.throws(
      () => F.conv2d(tl.ones([1, 1, 4, 4]), tl.ones([1, 1, 5, 5])),
      /conv2d: output size along spatial dim 0 would be 0 <= 0: floor\(\(4 \+ 2\*0 - 1\*\(5 - 1\) - 1\) \/ 1\) \+ 1 = 0/,
    );
  });
  it("channel mismatch names the rule and the fix", () => {
    assert.throws(
      () => F.conv2d(tl.ones([8, 8, 6, 6]), tl.ones([16, 4, 3, 3])),
      /conv2d: input \[8, 8, 6, 6\] has 8 channels, but weight \[16, 4, 3, 3\] with groups=1 expects 4 \(weight.shape\[1\] \* groups\). Pass groups=2/,
    );
  });
  it("channels not divisible by groups", () => {
    assert.throws(
      () => F.conv1d(tl.ones([1, 6, 5]), tl.ones([4, 2, 3]), null, { groups: 3 }),
      /in channels \(6\) and out channels \(4\) must both be divisible by groups \(3\)/,
    );
  });
  it("wrong input rank and strided same", () => {
    assert.throws(
      () => F.conv2d(tl.ones([8, 8]), tl.ones([4, 3, 3, 3])),
      /conv2d: expected a 3-D \(unbatched \[C, H, W\]\) or 4-D \(batched \[N, C, H, W\]\) input, got \[8, 8\]/,
    );
    assert.throws(
      () => F.conv1d(tl.ones([1, 1, 8]), tl.ones([1, 1, 3]), null, { padding: "same", stride: 2 }),
      /padding="same" is not supported for strided convolutions/,
    );
  });
  it("module: default init is kaiming-uniform with bound 1/sqrt(fan_in), reproducible with manualSeed", () => {
    tl.manualSeed(1);
    const m = new tl.nn.Conv2d(3, 4, 3);
    const bound = 1 / Math.sqrt(27); // gain sqrt(2/(1+5)) * sqrt(3/27) = 1/sqrt(27)
    assert.ok(m.weight.storage.every((v) => Math.abs(v) <= bound));
    assert.ok(Math.max(...m.weight.storage) > 0.8 * bound);
    tl.manualSeed(1);
    assert.deepEqual(new tl.nn.Conv2d(3, 4, 3).weight.storage, m.weight.storage);
    assert.deepEqual(Object.keys(m.stateDict()), ["weight", "bias"]);
  });
});

const r64 = (shape: number[]) => tl.randn(shape, { dtype: "float64", requiresGrad: true });

/** Every (stride, dilation, outputPadding, kernel, padding) of one dim in the ranges, with a positive output for length n. */
function transposedConfigs(n: number): { s: number; d: number; op: number; k: number; p: number }[] {
  const out = [];
  for (let s = 1; s <= 3; s++)
    for (let d = 1; d <= 3; d++)
      for (let k = 1; k <= 3; k++)
        for (let p = 0; p <= 2; p++) {
          for (let op = 0; op < Math.max(s, d); op++) if ((n - 1) * s - 2 * p + d * (k - 1) + op + 1 > 0) out.push({ s, d, op, k, p });
        }
  return out;
}

describe("convTranspose with outputPadding >= stride (allowed below the dilation): float64 gradcheck", () => {
  it("every 1-D (stride, dilation, outputPadding, kernel, padding) in 1..3 x 1..3 x 0..max-1 x 1..3 x 0..2", () => {
    tl.manualSeed(11);
    const configs = transposedConfigs(3);
    assert.ok(configs.filter((c) => c.op >= c.s).length >= 30);
    for (const c of configs) {
      tl.gradCheck(
        (x, w, b) => F.convTranspose1d(x, w, b, { stride: c.s, dilation: c.d, outputPadding: c.op, padding: c.p }),
        [r64([1, 2, 3]), r64([2, 2, c.k]), r64([2])],
      );
    }
  });
  it("2-D and 3-D with per-dim mixes where outputPadding >= stride in at least one dim, groups 1 and 2", () => {
    tl.manualSeed(12);
    const pool = transposedConfigs(2).filter((c) => c.op >= c.s);
    let i = 0;
    for (const nd of [2, 2, 2, 2, 2, 2, 3, 3, 3] as const) {
      const dims = Array.from({ length: nd }, (_, j) => pool[(i * 7 + j * 13) % pool.length]!);
      i++;
      const g = 1 + (i % 2);
      const fn = nd === 2 ? F.convTranspose2d : F.convTranspose3d;
      const o = {
        stride: dims.map((c) => c.s),
        dilation: dims.map((c) => c.d),
        outputPadding: dims.map((c) => c.op),
        padding: dims.map((c) => c.p),
        groups: g,
      };
      tl.gradCheck(
        (x, w) => fn(x, w, null, o),
        [r64([1, 2 * g, ...new Array<number>(nd).fill(2)]), r64([2 * g, 1, ...dims.map((c) => c.k)])],
      );
    }
  });
  it("the weight gradient's own backward (double backward) with outputPadding >= stride", () => {
    tl.manualSeed(13);
    for (const [s, d, op] of [
      [1, 2, 1],
      [1, 3, 2],
      [2, 3, 2],
    ] as const) {
      tl.gradCheck(
        (x, w) =>
          tl.enableGrad(() => {
            const y = F.convTranspose1d(x, w, null, { stride: s, dilation: d, outputPadding: op });
            const [gw] = tl.grad(y.mul(y).sum(), [w], undefined, { createGraph: true }) as [tl.Tensor];
            return gw;
          }),
        [r64([1, 2, 3]), r64([2, 2, 2])],
      );
    }
  });
});

const close = (a: tl.Tensor, b: tl.Tensor, label: string) => {
  assert.deepEqual(a.shape, b.shape, label);
  const tol = a.dtype === "float64" ? 1e-12 : 1e-5;
  a.storage.forEach((v, i) =>
    assert.ok(Math.abs(v - b.storage[i]!) <= tol * (1 + Math.abs(v)), `${label}: element ${i} ${v} vs ${b.storage[i]}`),
  );
};

for (const backend of BACKENDS) {
  describe(`unbatched conv input [C, ...] on ${backend}`, () => {
    it("conv and convTranspose 1-3D: the batched result without its batch dim, values and gradients", () => {
      tl.setBackend(backend);
      tl.manualSeed(21);
      for (const dtype of ["float64", "float32"] as const) {
        for (const nd of [1, 2, 3] as const) {
          for (const mode of ["conv", "conv same", "transposed"] as const) {
            const transposed = mode === "transposed";
            const size = [5, 4, 3].slice(0, nd),
              g = 2;
            const x = tl.randn([4, ...size], { dtype, requiresGrad: true });
            const w = tl.randn(transposed ? [4, 3, ...new Array<number>(nd).fill(2)] : [6, 2, ...new Array<number>(nd).fill(2)], {
              dtype,
              requiresGrad: true,
            });
            const b = tl.randn([6], { dtype, requiresGrad: true });
            // "same" with an even kernel pads one more zero on the right: the asymmetric path
            const o = { stride: 2, padding: 1, groups: g };
            const run = (xi: tl.Tensor) =>
              transposed
                ? convTFns[nd](xi, w, b, { ...o, outputPadding: 1 })
                : convFns[nd](xi, w, b, mode === "conv same" ? { padding: "same", groups: g } : o);
            const y = run(x);
            const gy = tl.randn(y.shape, { dtype });
            y.backward(gy);
            const [gx, gw, gb] = [x.grad!, w.grad!, b.grad!];
            w.grad = null;
            b.grad = null;
            const xb = x.detach().unsqueeze(0).requiresGrad_();
            const yb = run(xb);
            yb.backward(gy.unsqueeze(0));
            const label = `${mode} ${nd}d ${dtype}`;
            close(y, yb.squeeze(0), `${label} output`);
            close(gx, xb.grad!.squeeze(0), `${label} grad input`);
            close(gw, w.grad!, `${label} grad weight`);
            close(gb, b.grad!, `${label} grad bias`);
          }
        }
      }
    });
    it("nn.Conv*d (every padding mode) and nn.ConvTranspose*d accept [C, ...] as PyTorch 1.13", () => {
      tl.setBackend(backend);
      tl.manualSeed(22);
      for (const mode of ["zeros", "reflect", "replicate", "circular"] as const) {
        const m = new tl.nn.Conv2d(3, 4, 3, { padding: 1, paddingMode: mode });
        const x = tl.randn([3, 5, 6]);
        close(m.forward(x), m.forward(x.unsqueeze(0)).squeeze(0), `Conv2d ${mode}`);
      }
      const m1 = new tl.nn.Conv1d(2, 3, 2, { paddingMode: "reflect", padding: 1 });
      const x1 = tl.randn([2, 7]);
      close(m1.forward(x1), m1.forward(x1.unsqueeze(0)).squeeze(0), "Conv1d reflect");
      const t = new tl.nn.ConvTranspose3d(2, 3, 2, { stride: 2 });
      const x3 = tl.randn([2, 2, 3, 2]);
      close(t.forward(x3), t.forward(x3.unsqueeze(0)).squeeze(0), "ConvTranspose3d");
    });
    it("pooling takes [C, ...] too (PyTorch 1.13 does): max, avg, adaptive", () => {
      tl.setBackend(backend);
      const x = tl.randn([3, 6, 5], { requiresGrad: true });
      const fns: [string, (t: tl.Tensor) => tl.Tensor][] = [
        ["maxPool2d", (t) => F.maxPool2d(t, { kernelSize: 2, stride: 1 })],
        ["avgPool2d", (t) => F.avgPool2d(t, { kernelSize: 3, padding: 1, stride: 2 })],
        ["adaptiveAvgPool2d", (t) => F.adaptiveAvgPool2d(t, [2, 3])],
        ["MaxPool2d", (t) => new tl.nn.MaxPool2d(2).forward(t)],
      ];
      for (const [name, fn] of fns) close(fn(x), fn(x.unsqueeze(0)).squeeze(0), name);
    });
  });
}

describe("conv errors point at the fix", () => {
  it("a channel mismatch suggests a groups value that works, or a weight / input that does (every C, C/g, O in 1..8)", () => {
    let suggested = 0,
      otherwise = 0;
    for (let C = 1; C <= 8; C++)
      for (let Cg = 1; Cg <= 8; Cg++)
        for (let O = 1; O <= 8; O++) {
          if (Cg === C) continue;
          const x = tl.ones([1, C, 4]),
            w = tl.ones([O, Cg, 2]);
          let msg = "";
          assert.throws(
            () => F.conv1d(x, w),
            (e: Error) => ((msg = e.message), e instanceof tl.ShapeError),
          );
          const g = /Pass groups=(\S+?),/.exec(msg);
          if (g) {
            suggested++;
            assert.equal(F.conv1d(x, w, null, { groups: Number(g[1]) }).shape[1], O, msg);
          } else {
            otherwise++;
            assert.match(msg, /No groups value fits this weight/);
            assert.doesNotMatch(msg, /groups=\d+\.\d/);
          }
          const shape = JSON.parse(
            /use a weight of shape (\[[^\]]*\])|or a weight of shape (\[[^\]]*\])/.exec(msg)!.slice(1).find(Boolean)!,
          ) as number[];
          assert.equal(F.conv1d(x, tl.ones(shape)).shape[1], O, msg);
          const Cin = Number(/or an input with (\d+) channels/.exec(msg)![1]);
          assert.equal(F.conv1d(tl.ones([1, Cin, 4]), w).shape[1], O, msg);
        }
    assert.ok(suggested > 20 && otherwise > 20, `${suggested} / ${otherwise}`);
  });
  it("groups that do not divide the channels list the ones that do", () => {
    assert.throws(() => F.conv1d(tl.ones([1, 6, 5]), tl.ones([4, 2, 3]), null, { groups: 3 }), /groups that divide both: 1, 2\.$/);
    assert.throws(
      () => F.convTranspose1d(tl.ones([1, 6, 5]), tl.ones([6, 2, 3]), null, { groups: 4 }),
      /in channels \(6\) must be divisible by groups \(4\); groups that divide it: 1, 2, 3, 6\.$/,
    );
  });
  it("layers refuse groups that do not divide the channels and list the ones that do", () => {
    for (let i = 1; i <= 12; i++)
      for (let o = 1; o <= 12; o++)
        for (const g of [2, 3, 4]) {
          const make = [() => new tl.nn.Conv2d(i, o, 1, { groups: g }), () => new tl.nn.ConvTranspose1d(i, o, 1, { groups: g })];
          for (const m of make) {
            if (i % g === 0 && o % g === 0) {
              m();
              continue;
            }
            let msg = "";
            assert.throws(m, (e: Error) => ((msg = e.message), e instanceof tl.ValueError));
            const listed = /groups that divide both: ([\d, ]+)\.$/.exec(msg)![1]!.split(", ").map(Number);
            assert.deepEqual(
              listed,
              Array.from({ length: 12 }, (_, k) => k + 1).filter((d) => i % d === 0 && o % d === 0),
              msg,
            );
          }
        }
    assert.throws(() => new tl.nn.Conv1d(2.5, 4, 3), /Conv1d: in_channels must be an integer >= 0, got 2.5/);
  });
  it("a layer's errors name the layer, and the inner op that raised them", () => {
    assert.throws(
      () => new tl.nn.Conv2d(2, 3, 3, { padding: 5, paddingMode: "reflect" }).forward(tl.ones([1, 2, 4, 4])),
      /^ShapeError: Conv2d: reflect padding .* \(raised by pad inside Conv2d\)\.$/,
    );
    assert.throws(
      () => new tl.nn.Conv1d(2, 3, 3).forward(tl.ones([3, 4])),
      /^ShapeError: Conv1d: input \[3, 4\] has 3 channels, .* \(raised by conv1d inside Conv1d\)\.$/,
    );
    assert.throws(
      () => new tl.nn.ConvTranspose3d(2, 3, 1).forward(tl.ones([2, 2])),
      /^ShapeError: ConvTranspose3d: expected a 4-D \(unbatched \[C, D, H, W\]\) or 5-D .* \(raised by convTranspose3d inside ConvTranspose3d\)\.$/,
    );
  });
  it("size-0 dims: weights refuse them, inputs only in the batch (then the output is empty), as PyTorch", () => {
    for (const nd of [1, 2, 3] as const) {
      const k = new Array<number>(nd).fill(2),
        n = new Array<number>(nd).fill(4);
      for (let i = 0; i < nd + 2; i++) {
        const ws = [3, 2, ...k];
        ws[i] = 0;
        assert.throws(
          () => convFns[nd](tl.ones([1, 2, ...n]), tl.ones(ws)),
          new RegExp(`conv${nd}d: weight \\[${ws.join(", ")}\\] has a size-0 dim`),
        );
        assert.throws(
          () => convTFns[nd](tl.ones([1, 3, ...n]), tl.ones(ws)),
          new RegExp(`convTranspose${nd}d: weight .* has a size-0 dim`),
        );
      }
      for (let i = 0; i < nd; i++) {
        const xs = [1, 2, ...n];
        xs[i + 2] = 0;
        // a padded or transposed output would have positive size: the rule, not the formula, refuses
        assert.throws(
          () => convFns[nd](tl.ones(xs), tl.ones([3, 2, ...new Array<number>(nd).fill(1)]), null, { padding: 1 }),
          new RegExp(`conv${nd}d: input .* has size 0 in spatial dim ${i}; only the batch dim may be empty`),
        );
        assert.throws(
          () => convTFns[nd](tl.ones(xs.slice(1)), tl.ones([2, 3, ...k])),
          new RegExp(`convTranspose${nd}d: input .* has size 0 in spatial dim ${i}`),
        );
        xs[0] = 0;
        assert.deepEqual(convFns[nd](tl.ones(xs), tl.ones([3, 2, ...new Array<number>(nd).fill(1)]), null, { padding: 1 }).shape, [
          0,
          3,
          ...xs.slice(2).map((v) => v + 2),
        ]);
        assert.deepEqual(convTFns[nd](tl.ones(xs), tl.ones([2, 3, ...k])).shape, [0, 3, ...xs.slice(2).map((v) => v + 1)]);
      }
    }
  });
  it("a transposed conv's output dim may be 0 only in an empty batch, and never negative, as PyTorch", () => {
    // (n - 1)s - 2p + d(k - 1) + 1 with n = 1, s = 2, k = 2, d = 1 is 2 - 2p: p = 1 gives 0, p = 2 gives -2
    for (const nd of [1, 2, 3] as const) {
      for (const p of [1, 2]) {
        for (const batch of [0, 1]) {
          const padding = [p, ...new Array<number>(nd - 1).fill(0)];
          const call = (): tl.Tensor =>
            convTFns[nd](tl.ones([batch, 2, ...new Array<number>(nd).fill(1)]), tl.ones([2, 3, ...new Array<number>(nd).fill(2)]), null, {
              stride: 2,
              padding,
            });
          if (p === 1 && batch === 0) assert.deepEqual(call().shape, [0, 3, 0, ...new Array<number>(nd - 1).fill(2)]);
          else assert.throws(call, new RegExp(`convTranspose${nd}d: output size .* is not positive`));
        }
      }
    }
  });
  it("errors about an unbatched input show the shape the user passed", () => {
    assert.throws(
      () => F.conv2d(tl.ones([3, 5, 5]), tl.ones([4, 2, 3, 3])),
      /conv2d: input \[3, 5, 5\] has 3 channels, but weight \[4, 2, 3, 3\] with groups=1 expects 2 .*No groups value fits this weight \(3 \/ 2 is not an integer\); use a weight of shape \[4, 3, 3, 3\], or an input with 2 channels\./,
    );
    assert.throws(
      () => F.convTranspose1d(tl.ones([3, 5]), tl.ones([2, 2, 3])),
      /convTranspose1d: input \[3, 5\] has 3 channels but weight \[2, 2, 3\] expects 2/,
    );
    assert.throws(
      () => F.convTranspose1d(tl.ones([2, 1]), tl.ones([2, 2, 1]), null, { padding: 1 }),
      /convTranspose1d: output size \[-1\] is not positive for input \[2, 1\]/,
    );
  });
  it("a wrong rank names a shape that works when one exists", () => {
    for (const nd of [1, 2, 3] as const) {
      const spatial = [5, 4, 3].slice(0, nd);
      for (const [channels, xShape] of [
        [1, spatial],
        [2, [2, 1, 2, ...spatial]],
        [1, [1, 1, 1, ...spatial]],
      ] as const) {
        const w = tl.ones([3, channels, ...new Array<number>(nd).fill(1)]);
        for (const fn of [convFns[nd], (x: tl.Tensor, wt: tl.Tensor) => convTFns[nd](x, wt.transpose(0, 1))]) {
          let msg = "";
          assert.throws(
            () => fn(tl.ones([...xShape]), w),
            (e: Error) => ((msg = e.message), e instanceof tl.ShapeError),
          );
          const named = /(?:unsqueeze\(0\) has shape |x\.reshape\()(\[[^\]]*\])/.exec(msg);
          assert.ok(named, msg);
          assert.equal(fn(tl.ones([...xShape]).reshape(JSON.parse(named[1]!)), w).ndim >= nd + 1, true);
        }
      }
      // [C, ...] with one spatial dim too few and C > 1: no reshape works; the message says what does
      assert.throws(
        () => convFns[nd](tl.ones([2, ...spatial.slice(1)]), tl.ones([3, 2, ...new Array<number>(nd).fill(1)])),
        new RegExp(`expects 2 input channels: give \\[2, ${["L", "H, W", "D, H, W"][nd - 1]!.replace(/([[\]])/g, "\\$1")}\\]`),
      );
    }
  });
});

describe("convOutputSize checks its arguments and the result", () => {
  it("refuses stride 0, negative padding, non-integers and outputPadding without transposed", () => {
    for (const bad of [
      { stride: 0 },
      { padding: -1 },
      { kernelSize: 0 },
      { dilation: 0 },
      { inputSize: 2.5 },
      { inputSize: -1 },
      { outputPadding: 1 },
    ]) {
      assert.throws(() => tl.convOutputSize({ inputSize: 8, kernelSize: 3, ...bad }), tl.ValueError, JSON.stringify(bad));
    }
    assert.throws(
      () => tl.convOutputSize({ inputSize: 8, kernelSize: 3, stride: 0 }),
      /convOutputSize: stride must be an integer >= 1, got 0\.$/,
    );
    assert.throws(
      () => tl.convOutputSize({ inputSize: 4, kernelSize: 3, transposed: true, stride: 2, outputPadding: 2 }),
      /outputPadding 2 must be smaller than stride \(2\) or dilation \(1\)/,
    );
  });
  it("matches brute force over n, k, s, p, d: the size, a throw below 1, and exact's dropped input rows", () => {
    let dropping = 0;
    for (let n = 0; n <= 9; n++)
      for (let k = 1; k <= 3; k++)
        for (let s = 1; s <= 3; s++)
          for (let p = 0; p <= 2; p++)
            for (let d = 1; d <= 2; d++) {
              // windows start at o*s - p while their last tap stays inside the padded input
              let windows = 0,
                lastRead = -1;
              for (let o = 0; o * s - p + d * (k - 1) <= n - 1 + p; o++)
                windows++, (lastRead = Math.max(lastRead, Math.min(n - 1, o * s - p + d * (k - 1))));
              const a = { inputSize: n, kernelSize: k, stride: s, padding: p, dilation: d };
              if (windows < 1) {
                assert.throws(() => tl.convOutputSize(a), /the output would be -?\d+ < 1/, JSON.stringify(a));
                continue;
              }
              assert.equal(tl.convOutputSize(a), windows, JSON.stringify(a));
              const dropped = n - 1 - lastRead;
              if (dropped > 0) {
                dropping++;
                assert.throws(
                  () => tl.convOutputSize({ ...a, exact: true }),
                  new RegExp(`the last ${dropped} input rows? (is|are) never read`),
                  JSON.stringify(a),
                );
              } else assert.equal(tl.convOutputSize({ ...a, exact: true }), windows, JSON.stringify(a));
            }
    assert.ok(dropping > 50);
  });
  it("ceilMode gives the pooled length of maxPool1d (every n, k, s, p <= k/2, d)", () => {
    for (let n = 1; n <= 9; n++)
      for (let k = 1; k <= 4; k++)
        for (let s = 1; s <= 3; s++)
          for (let p = 0; p <= k / 2; p++)
            for (let d = 1; d <= 2; d++) {
              const a = { inputSize: n, kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: true };
              let pooled: number;
              try {
                pooled = F.maxPool1d(tl.ones([1, 1, n]), { kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: true }).shape[2]!;
              } catch {
                assert.throws(() => tl.convOutputSize(a), /< 1/, JSON.stringify(a));
                continue;
              }
              assert.equal(tl.convOutputSize(a), pooled, JSON.stringify(a));
            }
    assert.equal(tl.convOutputSize({ inputSize: 5, kernelSize: 2, stride: 2, padding: 1, ceilMode: true }), 3); // ceil gives 4; the 4th window would start in the right padding
    assert.throws(() => (tl.convOutputSize as (a: unknown) => number)(undefined), /convOutputSize: expected an object such as/);
  });
  it("the transposed size is (n - 1)s - 2p + d(k - 1) + outputPadding + 1 and must be at least 1", () => {
    assert.equal(tl.convOutputSize({ inputSize: 3, kernelSize: 2, stride: 1, dilation: 3, outputPadding: 2, transposed: true }), 8);
    assert.throws(
      () => tl.convOutputSize({ inputSize: 1, kernelSize: 1, padding: 1, transposed: true }),
      /convOutputSize: the transposed output would be -1 < 1/,
    );
  });
});
