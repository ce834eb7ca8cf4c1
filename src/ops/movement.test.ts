// Layout ops: float64 gradient checks (reshape, permute, expand, slice with steps, flip...),
// values against the index definition and PyTorch 1.13, views sharing storage, dtype
// conversion, error messages, and round-trip properties.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as tl from "../index.js";
import { exact, randf64, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;
const x3 = (): tl.Tensor => randf64([2, 3, 4], 1);

describe("movement gradcheck (float64)", () => {
  const cases: [string, (x: tl.Tensor) => tl.Tensor, () => tl.Tensor][] = [
    ["reshape", (x) => x.reshape([4, 6]), x3],
    ["reshape with -1", (x) => x.reshape([-1, 2]), x3],
    ["view to 0-d and back", (x) => x.view([]).view([1, 1]), () => randf64([1], 2)],
    ["flatten all", (x) => x.flatten(), x3],
    ["flatten 1..2", (x) => x.flatten(1), x3],
    ["flatten 0..-2", (x) => x.flatten(0, -2), x3],
    ["squeeze all", (x) => x.squeeze(), () => randf64([2, 1, 3, 1], 3)],
    ["squeeze dim -1", (x) => x.squeeze(-1), () => randf64([2, 1, 3, 1], 3)],
    ["unsqueeze 0", (x) => x.unsqueeze(0), x3],
    ["unsqueeze -1", (x) => x.unsqueeze(-1), x3],
    ["permute [2, 0, 1]", (x) => x.permute([2, 0, 1]), x3],
    ["permute negative dims", (x) => x.permute([-1, -3, -2]), x3],
    ["transpose 0, 2", (x) => x.transpose(0, 2), x3],
    ["transpose -1, -2", (x) => x.transpose(-1, -2), x3],
    ["t", (x) => x.t(), () => randf64([3, 4], 4)],
    ["expand size-1 dims", (x) => x.expand([3, 4]), () => randf64([3, 1], 5)],
    ["expand new leading dims and -1", (x) => x.expand([2, 3, -1, 5]), () => randf64([3, 1, 5], 5)],
    ["broadcastTo from 0-d", (x) => x.broadcastTo([2, 3]), () => randf64([], 6)],
    ["slice", (x) => x.slice(1, 1, 3), x3],
    ["slice with step 2", (x) => x.slice(2, 0, 4, 2), x3],
    ["slice with step 3 and a negative start", (x) => x.slice(0, -7, 9, 3), () => randf64([10, 2], 7)],
    ["slice end past the size", (x) => x.slice(-1, 1, 100, 2), x3],
    ["narrow", (x) => x.narrow(1, 1, 2), x3],
    ["narrow negative start", (x) => x.narrow(-1, -3, 2), x3],
    ["select", (x) => x.select(1, 2), x3],
    ["select negative index", (x) => x.select(-1, -1), x3],
    ["flip one dim", (x) => x.flip(1), x3],
    ["flip several dims", (x) => x.flip([0, -1]), x3],
    ["clone", (x) => x.clone(), x3],
    ["contiguous", (x) => x.contiguous().mul(1), x3],
    ["to same dtype", (x) => x.to("float64"), x3],
    ["composite: permute, slice, reshape, flip", (x) => x.permute([1, 2, 0]).slice(1, 1, 4, 2).reshape([3, 4]).flip(0), x3],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      tl.gradCheck(fn, [make()], { name });
    });
  }
  it("second derivative through slice (its backward is itself recorded)", () => {
    // f(x) = d/dx sum(slice(x)^3) = 3 x^2 on the sliced positions, 0 elsewhere
    // enableGrad: gradCheck evaluates fn inside noGrad for its finite differences
    const fn = (x: tl.Tensor): tl.Tensor =>
      tl.enableGrad(() => tl.grad(x.slice(0, 1, 6, 2).pow(3).sum(), [x], undefined, { createGraph: true })[0]!);
    tl.gradCheck(fn, [randf64([7], 8)], { name: "grad of slice" });
  });
});

/** Element [i][j][k] of a 2x3x4 tensor holding 0..23. */
const at = (i: number, j: number, k: number): number => i * 12 + j * 4 + k;

describe("movement values", () => {
  const a = tl.arange(24).reshape([2, 3, 4]);
  it("permute moves element [i, j, k] to the permuted position", () => {
    const p = a.permute([2, 0, 1]);
    assert.deepEqual(p.shape, [4, 2, 3]);
    const v = p.toArray() as number[][][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) assert.equal(v[k]![i]![j], at(i, j, k));
    const tr = a.transpose(0, 2).toArray() as number[][][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) assert.equal(tr[k]![j]![i], at(i, j, k));
  });
  it("expand repeats size-1 dims and adds leading dims", () => {
    exact(T([[1], [2]]).expand([2, 3]), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    exact(T([1, 2]).expand([2, -1]), [
      [1, 2],
      [1, 2],
    ]);
    // torch: ones(3,1).expand(-1,4).shape -> [3,4]; ones(3,1).expand(2,3,4).shape -> [2,3,4]
    assert.deepEqual(tl.ones([3, 1]).expand([-1, 4]).shape, [3, 4]);
    assert.deepEqual(tl.ones([3, 1]).expand([2, 3, 4]).shape, [2, 3, 4]);
  });
  it("slice follows Python slicing", () => {
    // torch: a=arange(10); a[-7:9:3] -> [3, 6]; a[2:100:4] -> [2, 6]; a[5:2] -> []; a[-100:2] -> [0, 1]; a[8:] -> [8, 9]
    const r = tl.arange(10);
    exact(r.slice(0, -7, 9, 3), [3, 6]);
    exact(r.slice(0, 2, 100, 4), [2, 6]);
    exact(r.slice(0, 5, 2), []);
    exact(r.slice(0, -100, 2), [0, 1]);
    exact(r.slice(0, 8), [8, 9]);
    // torch: torch.narrow(a, 0, -3, 2) -> [7, 8]
    exact(r.narrow(0, -3, 2), [7, 8]);
    exact(a.slice(2, 1, 4, 2).select(0, 1), [
      [13, 15],
      [17, 19],
      [21, 23],
    ]);
  });
  it("flip reverses along the given dims", () => {
    // torch: arange(6).reshape(2,3).flip(0,1) -> [[5,4,3],[2,1,0]]; flip(-1) -> [[2,1,0],[5,4,3]]
    const m = tl.arange(6).reshape([2, 3]);
    exact(m.flip([0, 1]), [
      [5, 4, 3],
      [2, 1, 0],
    ]);
    exact(m.flip(-1), [
      [2, 1, 0],
      [5, 4, 3],
    ]);
    exact(tl.zeros([0, 2]).flip(0), []);
  });
  it("squeeze, unsqueeze and flatten shapes follow PyTorch", () => {
    // torch: ones(2,1,3,1).squeeze(1) -> [2,3,1]; ones(2,1,3).squeeze(0) -> [2,1,3] (size 2 kept); squeeze() -> [2,3]
    assert.deepEqual(tl.ones([2, 1, 3, 1]).squeeze(1).shape, [2, 3, 1]);
    assert.deepEqual(tl.ones([2, 1, 3]).squeeze(0).shape, [2, 1, 3]);
    assert.deepEqual(tl.ones([2, 1, 3, 1]).squeeze().shape, [2, 3]);
    assert.deepEqual(tl.ones([2, 1, 3, 1]).squeeze([1, 3]).shape, [2, 3]);
    // torch: ones(3).unsqueeze(-1) -> [3,1]; unsqueeze(0) -> [1,3]
    assert.deepEqual(tl.ones([3]).unsqueeze(-1).shape, [3, 1]);
    assert.deepEqual(tl.ones([3]).unsqueeze(0).shape, [1, 3]);
    // torch: ones(2,3,4).flatten(1) -> [2,12]; flatten(0,1) -> [6,4]; tensor(5.).flatten() -> [1]
    assert.deepEqual(tl.ones([2, 3, 4]).flatten(1).shape, [2, 12]);
    assert.deepEqual(tl.ones([2, 3, 4]).flatten(0, 1).shape, [6, 4]);
    assert.deepEqual(T(5).flatten().shape, [1]);
    assert.deepEqual(tl.ones([3]).t().shape, [3]);
  });
  it("reshape, view, squeeze and detach share storage and the version counter", () => {
    const x = tl.zeros([2, 3]);
    const v = x.reshape([6]);
    const d = x.detach();
    v.add_(1);
    exact(x, [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    exact(d, [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    assert.equal(x.version, v.version);
    assert.equal(x.version, d.version);
    const c = x.clone();
    c.add_(1);
    exact(x, [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    assert.notEqual(c.version, x.version);
  });
  it("detach leaves the graph; clone stays in it", () => {
    const x = randf64([3], 9);
    const d = x.mul(2).detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.gradFn, null);
    const c = x.clone();
    assert.equal(c.requiresGrad, true);
    c.sum().backward();
    exact(x.grad, [1, 1, 1]);
  });
  it("to() converts dtypes as PyTorch: truncation toward zero, NaN is true", () => {
    // torch: tensor([-2.7, 2.7, 0.5, -0.5]).to(int32) -> [-2, 2, 0, 0]
    exact(T([-2.7, 2.7, 0.5, -0.5]).to("int32"), [-2, 2, 0, 0], "int32");
    // torch: tensor([nan, 0., -0., 2]).bool() -> [True, False, False, True]
    exact(T([NaN, 0, -0, 2], { dtype: "float32" }).bool(), [true, false, false, true], "bool");
    // torch: tensor([0,3]).bool() -> [False, True]; tensor([True,False]).float() -> [1., 0.]
    exact(T([0, 3]).bool(), [false, true]);
    exact(T([true, false]).float(), [1, 0], "float32");
    exact(T([1.5]).double(), [1.5], "float64");
    exact(T([1.9]).int(), [1], "int32");
    const x = T([1, 2], { dtype: "float64" });
    assert.equal(x.to("float64"), x);
  });
  it("to() passes gradients between float dtypes and back in the input's dtype", () => {
    const x = T([1, 2], { dtype: "float32", requiresGrad: true });
    x.to("float64")
      .mul(T([3, 4], { dtype: "float64" }))
      .sum()
      .backward();
    exact(x.grad, [3, 4], "float32");
    const y = T([1.5, 2], { dtype: "float32", requiresGrad: true });
    assert.equal(y.to("int32").requiresGrad, false);
  });
});

describe("movement errors", () => {
  it("reshape: wrong numel, two -1s, bad sizes", () => {
    // torch: "shape '[4, 2]' is invalid for input of size 6"; "only one dimension can be inferred"
    throwsWith(
      () => tl.ones([2, 3]).reshape([4, 2]),
      tl.ShapeError,
      /^reshape: shape \[4, 2\] holds 8 elements but the input \[2, 3\] has 6/,
    );
    throwsWith(() => tl.ones([2, 3]).reshape([-1, -1]), tl.ShapeError, /^reshape: only one dim can be -1, got \[-1, -1\]/);
    throwsWith(
      () => tl.ones([2, 3]).reshape([-1, 4]),
      tl.ShapeError,
      /^reshape: shape \[-1, 4\] is invalid for input of size 6 \(shape \[2, 3\]\)/,
    );
    throwsWith(() => tl.ones([2, 3]).reshape([-2, -3]), tl.ShapeError, /^reshape: invalid size -2 in \[-2, -3\]/);
    throwsWith(() => tl.ones([2, 3]).view([1.5, 4]), tl.ShapeError, /^view: invalid size 1.5/);
    throwsWith(() => tl.zeros([0, 3]).reshape([0, -1]), tl.ShapeError, /^reshape: shape \[0, -1\] is invalid for input of size 0/);
  });
  it("permute / transpose / t", () => {
    // torch: "permute(): duplicate dims are not allowed."
    throwsWith(() => tl.ones([2, 3]).permute([0, 0]), tl.IndexError, /^permute: dims \[0, 0\] repeat a dim; pass a permutation of 0..1/);
    throwsWith(() => tl.ones([2, 3]).permute([0]), tl.ShapeError, /^permute: got dims \[0\] for a tensor with 2 dims/);
    throwsWith(() => tl.ones([2, 3]).permute([0, 2]), tl.IndexError, /^permute: dim 2 is out of range for a tensor with 2 dims/);
    throwsWith(() => tl.ones([2, 3]).transpose(0, 2), tl.IndexError, /^transpose: dim 2 is out of range/);
    // torch: "t() expects a tensor with <= 2 dimensions, but self is 3D"
    throwsWith(() => tl.ones([2, 3, 4]).t(), tl.ShapeError, /^t: expects a tensor with <= 2 dims, got \[2, 3, 4\]/);
  });
  it("expand", () => {
    // torch: "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0."
    throwsWith(
      () => tl.ones([2, 3]).expand([3, 3]),
      tl.ShapeError,
      /^expand: the expanded size 3 must match the existing size 2 at dim 0 \(tensor \[2, 3\], target \[3, 3\]\)/,
    );
    // torch: "the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)"
    throwsWith(() => tl.ones([2, 3]).expand([3]), tl.ShapeError, /^expand: the target \[3\] has fewer dims than the tensor \[2, 3\]/);
    throwsWith(() => tl.ones([3]).expand([-1, 3]), tl.ShapeError, /^expand: -1 is not allowed for the new leading dim 0 in \[-1, 3\]/);
    throwsWith(() => tl.ones([1]).expand([-2]), tl.ShapeError, /^expand: invalid size -2 at dim 0 in \[-2\]/);
    throwsWith(() => tl.ones([1]).expand([2, 1.5]), tl.ShapeError, /^expand: invalid size 1.5 at dim 1 in \[2, 1.5\]/);
  });
  it("slice / narrow / select / flip / flatten / unsqueeze / squeeze", () => {
    throwsWith(() => tl.ones([4]).slice(0, 0, 4, 0), tl.ValueError, /^slice: step must be a positive integer, got 0/);
    throwsWith(() => tl.ones([4]).slice(0, 0, 4, -1), tl.ValueError, /^slice: step must be a positive integer, got -1.*use flip/);
    throwsWith(() => tl.ones([4]).slice(0, 0.5), tl.ValueError, /^slice: start and end must be integers, got start=0.5/);
    throwsWith(() => tl.ones([4]).slice(1), tl.IndexError, /^slice: dim 1 is out of range for a tensor with 1 dims/);
    // torch: "start (2) + length (2) exceeds dimension size (3)."
    throwsWith(
      () => tl.ones([2, 3]).narrow(1, 2, 2),
      tl.IndexError,
      /^narrow: start 2 \+ length 2 exceeds dim 1 of size 3 \(tensor \[2, 3\]\)/,
    );
    // torch: "select(): index 3 out of range for tensor of size [2, 3] at dimension 1"
    throwsWith(
      () => tl.ones([2, 3]).select(1, 3),
      tl.IndexError,
      /^select: index 3 is out of range for dim 1 of size 3; it must be in \[-3, 2\]/,
    );
    throwsWith(() => tl.ones([2, 3]).select(0, -3), tl.IndexError, /^select: index -3 is out of range for dim 0 of size 2/);
    throwsWith(() => tl.ones([2, 3]).flip(2), tl.IndexError, /^flip: dim 2 is out of range/);
    throwsWith(() => tl.ones([2, 3]).flip([1, -1]), tl.IndexError, /^flip: dim 1 appears more than once in \[1, -1\]/);
    throwsWith(() => tl.ones([2, 3, 4]).flatten(2, 1), tl.IndexError, /^flatten: startDim 2 comes after endDim 1/);
    throwsWith(() => tl.ones([2, 3]).unsqueeze(3), tl.IndexError, /^unsqueeze: dim 3 is out of range for a tensor with 3 dims/);
    throwsWith(() => tl.ones([2, 3]).squeeze(2), tl.IndexError, /^squeeze: dim 2 is out of range/);
  });
  it("to an unknown dtype", () => {
    throwsWith(
      () => tl.ones([2]).to("int64" as tl.DType),
      tl.DTypeError,
      /^to: unknown dtype "int64". Use one of float32, float64, int32, bool/,
    );
  });
});

const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

describe("movement properties (fast-check)", () => {
  it("reshape to any factorisation and back is the identity, and keeps row-major order", () => {
    fc.assert(
      fc.property(shapes, shapes, (s, perm) => {
        const n = s.reduce((a, b) => a * b, 1);
        const x = tl.arange(n);
        // a second shape with the same numel: the first k sizes of s then -1
        const k = perm.length % s.length;
        const other = [...s.slice(0, k), -1];
        const y = x.reshape(s).reshape(other);
        exact(
          y.reshape([n]),
          Array.from({ length: n }, (_, i) => i),
        );
      }),
      { numRuns: 50, seed: 31 },
    );
  });
  it("permute then the inverse permutation is the identity", () => {
    fc.assert(
      fc.property(
        shapes.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.shuffledSubarray(
              s.map((_, i) => i),
              { minLength: s.length, maxLength: s.length },
            ),
          ),
        ),
        ([s, p]) => {
          const x = tl.arange(s.reduce((a, b) => a * b, 1)).reshape(s);
          const inv = new Array<number>(p.length);
          p.forEach((d, i) => (inv[d] = i));
          const y = x.permute(p);
          assert.deepEqual(
            y.shape,
            p.map((d) => s[d]),
          );
          exact(y.permute(inv), x.toArray());
        },
      ),
      { numRuns: 50, seed: 32 },
    );
  });
  it("flip twice is the identity; transpose twice is the identity", () => {
    fc.assert(
      fc.property(
        shapes.chain((s) => fc.tuple(fc.constant(s), fc.subarray(s.map((_, i) => i)), fc.nat(), fc.nat())),
        ([s, dims, i, j]) => {
          const x = tl.arange(s.reduce((a, b) => a * b, 1)).reshape(s);
          exact(x.flip(dims).flip(dims), x.toArray());
          const a = i % s.length,
            b = j % s.length;
          exact(x.transpose(a, b).transpose(a, b), x.toArray());
        },
      ),
      { numRuns: 50, seed: 33 },
    );
  });
  it("slice with a step keeps exactly the elements start, start+step, ... < end", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: -15, max: 15 }),
        fc.integer({ min: -15, max: 15 }),
        fc.integer({ min: 1, max: 4 }),
        (n, start, end, step) => {
          const want: number[] = [];
          const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
          for (let i = norm(start); i < norm(end); i += step) want.push(i);
          exact(tl.arange(n).slice(0, start, end, step), want);
        },
      ),
      { numRuns: 50, seed: 34 },
    );
  });
});
