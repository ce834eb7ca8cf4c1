// pad in every mode: float64 gradient checks over one, two and three padded dims, values and
// gradients against torch.nn.functional.pad (PyTorch 1.13), and error messages.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { exact, randf64, throwsWith } from "../../test/support/check.js";

const x = (): tl.Tensor => tl.arange(1, 7).to("float32").reshape([1, 2, 3]);
const x4 = (): tl.Tensor => tl.arange(1, 7).to("float32").reshape([1, 1, 2, 3]);

describe("pad gradcheck (float64)", () => {
  const cases: [string, (x: tl.Tensor) => tl.Tensor, () => tl.Tensor][] = [
    ["constant last dim", (x) => x.pad([2, 1]), () => randf64([2, 3], 1)],
    ["constant two dims with a value", (x) => x.pad([1, 0, 0, 2], "constant", 5), () => randf64([2, 3], 1)],
    ["constant negative (crop)", (x) => x.pad([-1, 2, 1, -1]), () => randf64([3, 4], 2)],
    ["constant three dims", (x) => tl.pad(x, [1, 1, 0, 1, 2, 0]), () => randf64([2, 2, 2], 3)],
    ["reflect 1-d", (x) => x.pad([2, 1], "reflect"), () => randf64([2, 4], 4)],
    ["reflect 2-d, the largest amounts", (x) => x.pad([2, 2, 1, 1], "reflect"), () => randf64([1, 2, 3], 5)],
    ["reflect 3-d", (x) => x.pad([1, 0, 0, 1, 1, 1], "reflect"), () => randf64([1, 2, 2, 3], 6)],
    ["replicate 1-d with large amounts", (x) => x.pad([4, 5], "replicate"), () => randf64([2, 3], 7)],
    ["replicate 2-d", (x) => x.pad([1, 0, 2, 1], "replicate"), () => randf64([2, 2, 3], 8)],
    ["circular 1-d, full wrap", (x) => x.pad([3, 3], "circular"), () => randf64([1, 2, 3], 9)],
    ["circular 2-d", (x) => x.pad([1, 2, 2, 0], "circular"), () => randf64([1, 1, 2, 3], 10)],
    ["circular cropping one side", (x) => x.pad([-1, 2, 1, -1], "circular"), () => randf64([1, 1, 3, 4], 12)],
    ["reflect and replicate cropping", (x) => x.pad([-1, 2], "reflect").pad([1, -2], "replicate"), () => randf64([2, 4], 13)],
    ["constant cropping all of a 1-d input", (x) => x.pad([-3, 2]), () => randf64([3], 14)],
    ["zero amounts on one dim", (x) => x.pad([0, 0, 1, 1], "reflect"), () => randf64([1, 3, 2], 11)],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      tl.gradCheck(fn, [make()], { name });
    });
  }
});

describe("pad values against torch.nn.functional.pad (PyTorch 1.13)", () => {
  // x = torch.arange(1.,7).reshape(1,2,3); x4 = same reshaped (1,1,2,3)
  it("reflect", () => {
    // torch: F.pad(x,(2,1),'reflect') -> [[[3,2,1,2,3,2],[6,5,4,5,6,5]]]
    exact(x().pad([2, 1], "reflect"), [
      [
        [3, 2, 1, 2, 3, 2],
        [6, 5, 4, 5, 6, 5],
      ],
    ]);
    // torch: F.pad(x4,(1,2,1,1),'reflect') -> [[[[5,4,5,6,5,4],[2,1,2,3,2,1],[5,4,5,6,5,4],[2,1,2,3,2,1]]]]
    exact(x4().pad([1, 2, 1, 1], "reflect"), [
      [
        [
          [5, 4, 5, 6, 5, 4],
          [2, 1, 2, 3, 2, 1],
          [5, 4, 5, 6, 5, 4],
          [2, 1, 2, 3, 2, 1],
        ],
      ],
    ]);
  });
  it("replicate", () => {
    // torch: F.pad(x,(2,1),'replicate') -> [[[1,1,1,2,3,3],[4,4,4,5,6,6]]]
    exact(x().pad([2, 1], "replicate"), [
      [
        [1, 1, 1, 2, 3, 3],
        [4, 4, 4, 5, 6, 6],
      ],
    ]);
    // torch: F.pad(x4,(1,0,2,1),'replicate') -> [[[[1,1,2,3],[1,1,2,3],[1,1,2,3],[4,4,5,6],[4,4,5,6]]]]
    exact(x4().pad([1, 0, 2, 1], "replicate"), [
      [
        [
          [1, 1, 2, 3],
          [1, 1, 2, 3],
          [1, 1, 2, 3],
          [4, 4, 5, 6],
          [4, 4, 5, 6],
        ],
      ],
    ]);
  });
  it("circular", () => {
    // torch: F.pad(x,(2,3),'circular') -> [[[2,3,1,2,3,1,2,3],[5,6,4,5,6,4,5,6]]]
    exact(x().pad([2, 3], "circular"), [
      [
        [2, 3, 1, 2, 3, 1, 2, 3],
        [5, 6, 4, 5, 6, 4, 5, 6],
      ],
    ]);
    // torch: F.pad(x4,(1,1,1,0),'circular') -> [[[[6,4,5,6,4],[3,1,2,3,1],[6,4,5,6,4]]]]
    exact(x4().pad([1, 1, 1, 0], "circular"), [
      [
        [
          [6, 4, 5, 6, 4],
          [3, 1, 2, 3, 1],
          [6, 4, 5, 6, 4],
        ],
      ],
    ]);
  });
  it("constant, with a value and with cropping", () => {
    // torch: F.pad(x,(1,0,0,1),value=9.) -> [[[9,1,2,3],[9,4,5,6],[9,9,9,9]]]
    exact(x().pad([1, 0, 0, 1], "constant", 9), [
      [
        [9, 1, 2, 3],
        [9, 4, 5, 6],
        [9, 9, 9, 9],
      ],
    ]);
    // torch: F.pad(x,(-1,1)) -> [[[2,3,0],[5,6,0]]]
    exact(x().pad([-1, 1]), [
      [
        [2, 3, 0],
        [5, 6, 0],
      ],
    ]);
    // torch: F.pad(tensor([1,2,3]),(1,1),value=7) -> [7,1,2,3,7] (int stays int)
    exact(tl.tensor([1, 2, 3]).pad([1, 1], "constant", 7), [7, 1, 2, 3, 7], "int32");
  });
  it("gradients sum the copies back", () => {
    // torch: F.pad(xg,(2,1),'reflect').sum().backward() -> [[[1,3,2],[1,3,2]]]
    //        replicate -> [[[3,1,2],[3,1,2]]]; F.pad(xg,(2,3),'circular') -> [[[2,3,3],[2,3,3]]]
    const cases: [tl.PadMode, number[], number[]][] = [
      ["reflect", [2, 1], [1, 3, 2]],
      ["replicate", [2, 1], [3, 1, 2]],
      ["circular", [2, 3], [2, 3, 3]],
    ];
    for (const [mode, amounts, row] of cases) {
      const g = x().to("float64").requiresGrad_();
      g.pad(amounts, mode).sum().backward();
      exact(g.grad, [[row, row]]);
    }
  });
});

describe("a constant pad that crops all of the input keeps its autograd link", () => {
  it("every rank, cropping from either side, with the result made of fill alone", () => {
    // torch: F.pad(x, (-n, 2)) and F.pad(x, (2, -n)) have grad_fn and give x a zero gradient
    for (const shape of [[3], [2, 3], [2, 2, 3]]) {
      const n = shape[shape.length - 1]!;
      for (const amounts of [
        [-n, 2],
        [2, -n],
        [-1, 1 - n + 1],
      ]) {
        const x = tl.ones(shape, { dtype: "float64" }).requiresGrad_();
        const y = x.pad(amounts, "constant", 4);
        assert.equal(y.requiresGrad, true, `${JSON.stringify(shape)} ${JSON.stringify(amounts)}`);
        y.sum().backward();
        const kept = Math.max(n + Math.min(amounts[0]!, 0) + Math.min(amounts[1]!, 0), 0);
        assert.equal(
          Array.from(x.grad!.storage).reduce((a, b) => a + b, 0),
          (x.numel() / n) * kept,
          `${JSON.stringify(shape)} ${JSON.stringify(amounts)}`,
        );
      }
    }
  });
});

describe("pad errors", () => {
  it("bad padding lists", () => {
    // torch: "Padding length must be divisible by 2"
    throwsWith(
      () => x().pad([1]),
      tl.ValueError,
      /^pad: padding must be an even-length list of integers \(before, after\) per dim from the last, got \[1\]/,
    );
    throwsWith(() => x().pad([1.5, 1]), tl.ValueError, /^pad: padding must be an even-length list of integers.*got \[1.5,1\]/);
    throwsWith(() => x().pad([1, 1, 1, 1, 1, 1, 1, 1]), tl.ShapeError, /^pad: 8 values pad 4 dims but the input \[1, 2, 3\] has only 3/);
    throwsWith(
      () => x().pad([1, 1], "edge" as tl.PadMode),
      tl.ValueError,
      /^pad: mode must be "constant", "reflect", "replicate" or "circular", got "edge"/,
    );
    throwsWith(() => x().pad([1, 1], "toString" as tl.PadMode), tl.ValueError, /^pad: mode must be .* got "toString"/);
  });
  it("reflect and circular amounts too large", () => {
    // torch: "Padding size should be less than the corresponding input dimension, but got: padding (3, 0) at dimension 2 of input [1, 2, 3]"
    throwsWith(
      () => x().pad([3, 0], "reflect"),
      tl.ShapeError,
      /^pad: reflect padding of \(3, 0\) on dim 2 of size 3 is too large; each amount must be less than the dim size \(3\)/,
    );
    // torch: "Padding value causes wrapping around more than once."
    throwsWith(
      () => x().pad([4, 0], "circular"),
      tl.ShapeError,
      /^pad: circular padding of \(4, 0\) on dim 2 of size 3 is too large; each amount must be at most the dim size after cropping \(3\)/,
    );
    // after cropping 1 the wrap has 2 values to repeat (PyTorch reads uninitialised memory here)
    throwsWith(
      () => x().pad([-1, 3], "circular"),
      tl.ShapeError,
      /^pad: circular padding of \(-1, 3\) on dim 2 of size 3 is too large; each amount must be at most the dim size after cropping \(2\)/,
    );
    throwsWith(
      () => tl.zeros([1, 2, 0]).pad([1, 1], "replicate"),
      tl.ShapeError,
      /^pad: replicate padding needs every dim but the batch dim non-empty, got input \[1, 2, 0\] \(dim 2 is 0\)/,
    );
  });
  it("crops that leave nothing", () => {
    throwsWith(() => x().pad([-2, -2]), tl.ShapeError, /^pad: cropping 2 and 2 from dim 2 of size 3 leaves nothing/);
    throwsWith(() => x().pad([-2, -2], "circular"), tl.ShapeError, /^pad: cropping 2 and 2 from dim 2 of size 3 leaves nothing/);
  });
});
