// Convolutions against PyTorch's fixtures (conv1d/2d/3d functional and module cases with every
// padding mode, conv_transpose1d/2d/3d) on every backend, float64 and float32; float64
// gradchecks of conv and its transpose (strides, dilation, groups); output-size errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { type FixtureCase, type FloatType, checkCase, checkModuleCase, describeFixtureCases } from "../../test/support/fixtures.js";

const F = tl.F;
type Args = Record<string, any>;

const convFns = { 1: F.conv1d, 2: F.conv2d, 3: F.conv3d } as const;
const convTFns = { 1: F.convTranspose1d, 2: F.convTranspose2d, 3: F.convTranspose3d } as const;
const convModules = { 1: tl.nn.Conv1d, 2: tl.nn.Conv2d, 3: tl.nn.Conv3d } as const;

function runCase(c: FixtureCase, nd: 1 | 2 | 3, dtype: FloatType): void {
  const a = c.args as Args;
  if (c.call.startsWith("torch.nn.Conv")) {
    const m = new convModules[nd](a.in_channels, a.out_channels, a.kernel_size, {
      stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups, bias: a.bias, paddingMode: a.padding_mode,
    });
    checkModuleCase(c, dtype, m, (ins) => m.forward(ins.input!));
  } else if (c.call.includes("conv_transpose")) {
    checkCase(c, dtype, (ins) => convTFns[nd](ins.input!, ins.weight!, ins.bias, { stride: a.stride, padding: a.padding, outputPadding: a.output_padding, dilation: a.dilation, groups: a.groups }));
  } else {
    checkCase(c, dtype, (ins) => convFns[nd](ins.input!, ins.weight!, ins.bias, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups }));
  }
}

for (const [family, nd] of [["conv1d", 1], ["conv2d", 2], ["conv3d", 3], ["conv_transpose1d", 1], ["conv_transpose2d", 2], ["conv_transpose3d", 3]] as const) {
  describeFixtureCases(family, (c, dtype) => runCase(c, nd, dtype));
}

describe("conv gradcheck (float64)", () => {
  const r = (shape: number[]) => tl.randn(shape, { dtype: "float64", requiresGrad: true });
  const cases: [string, () => void][] = [
    ["conv1d stride 2 dilation 2 groups 2", () => void tl.gradCheck((x, w, b) => F.conv1d(x, w, b, { stride: 2, dilation: 2, groups: 2, padding: 1 }), [r([2, 4, 9]), r([6, 2, 3]), r([6])])],
    ["conv2d stride (2,1) padding same-free", () => void tl.gradCheck((x, w) => F.conv2d(x, w, null, { stride: [2, 1], padding: [1, 0] }), [r([1, 3, 6, 5]), r([2, 3, 3, 2])])],
    ["conv2d padding same even kernel", () => void tl.gradCheck((x, w) => F.conv2d(x, w, null, { padding: "same" }), [r([1, 2, 5, 5]), r([2, 2, 4, 2])])],
    ["conv2d depthwise", () => void tl.gradCheck((x, w) => F.conv2d(x, w, null, { groups: 3, padding: 1 }), [r([2, 3, 4, 4]), r([3, 1, 3, 3])])],
    ["conv3d dilation", () => void tl.gradCheck((x, w, b) => F.conv3d(x, w, b, { dilation: [1, 2, 1], padding: 1 }), [r([1, 2, 4, 5, 3]), r([2, 2, 2, 2, 2]), r([2])])],
    ["convTranspose1d stride 3 outputPadding 1 groups 2", () => void tl.gradCheck((x, w, b) => F.convTranspose1d(x, w, b, { stride: 3, outputPadding: 1, groups: 2, padding: 1 }), [r([2, 4, 4]), r([4, 1, 3]), r([2])])],
    ["convTranspose2d dilation 2", () => void tl.gradCheck((x, w) => F.convTranspose2d(x, w, null, { dilation: 2, stride: 2 }), [r([1, 2, 3, 3]), r([2, 3, 2, 2])])],
    ["convTranspose3d", () => void tl.gradCheck((x, w) => F.convTranspose3d(x, w, null, { stride: [1, 2, 1] }), [r([1, 2, 2, 2, 2]), r([2, 2, 2, 2, 2])])],
    ["conv2d second derivative (double backward)", () => {
      // d/dx of sum(grad_w(conv)): the backward is built from ops, so it differentiates again
      // (gradCheck evaluates its finite differences under noGrad; enableGrad lets tl.grad run there)
      tl.gradCheck((x, w) => tl.enableGrad(() => {
        const y = F.conv2d(x, w, null, { stride: 2, padding: 1 });
        const [gw] = tl.grad(y.mul(y).sum(), [w], undefined, { createGraph: true }) as [tl.Tensor];
        return gw;
      }), [r([1, 2, 5, 5]), r([2, 2, 3, 3])]);
    }],
  ];
  for (const [name, run] of cases) it(name, () => { tl.manualSeed(5); run(); });
});

describe("conv shape rule and errors", () => {
  it("convOutputSize implements floor((n + 2p - d(k - 1) - 1) / s) + 1 and the transposed form", () => {
    assert.equal(tl.convOutputSize({ inputSize: 32, kernelSize: 3, padding: 1, stride: 2 }), 16); // floor(31/2)+1
    assert.equal(tl.convOutputSize({ inputSize: 10, kernelSize: 3, dilation: 3 }), 4); // 10-6-1+1
    assert.equal(tl.convOutputSize({ inputSize: 4, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, transposed: true }), 8); // 3*2-2+2+1+1
  });
  it("kernel larger than the padded input fails with the formula and the user's numbers", () => {
    assert.throws(() => F.conv2d(tl.ones([1, 1, 4, 4]), tl.ones([1, 1, 5, 5])), /conv2d: output size along spatial dim 0 would be 0 <= 0: floor\(\(4 \+ 2\*0 - 1\*\(5 - 1\) - 1\) \/ 1\) \+ 1 = 0/);
  });
  it("channel mismatch names the rule and the fix", () => {
    assert.throws(() => F.conv2d(tl.ones([8, 8, 6, 6]), tl.ones([16, 4, 3, 3])), /conv2d: input \[8, 8, 6, 6\] has 8 channels, but weight \[16, 4, 3, 3\] with groups=1 expects 4 \(weight.shape\[1\] \* groups\). Pass groups=2/);
  });
  it("channels not divisible by groups", () => {
    assert.throws(() => F.conv1d(tl.ones([1, 6, 5]), tl.ones([4, 2, 3]), null, { groups: 3 }), /in channels \(6\) and out channels \(4\) must both be divisible by groups \(3\)/);
  });
  it("wrong input rank and strided same", () => {
    assert.throws(() => F.conv2d(tl.ones([3, 8, 8]), tl.ones([4, 3, 3, 3])), /conv2d: expected a 4-D input \(NCHW/);
    assert.throws(() => F.conv1d(tl.ones([1, 1, 8]), tl.ones([1, 1, 3]), null, { padding: "same", stride: 2 }), /padding="same" is not supported for strided convolutions/);
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
