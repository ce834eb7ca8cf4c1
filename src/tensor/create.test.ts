// Creating tensors: dtype inference in tensor(), ragged and out-of-range input, typed arrays,
// constant fills, arange / linspace against PyTorch 1.13, eye, the seeded random draws, and
// the default dtype.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { DataFrame, Series } from "../frame/index.js";
import { close, exact, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;

/** Run fn with the default dtype set to float64, restoring float32 even if it throws. */
function withFloat64<R>(fn: () => R): R {
  tl.setDefaultDtype("float64");
  try {
    return fn();
  } finally {
    tl.setDefaultDtype("float32");
  }
}

describe("tensor()", () => {
  it("infers bool, int32 or the default float, as torch.tensor", () => {
    // torch: tensor([]).dtype -> float32; tensor([True,2]) -> int64; tensor([True,2.5]) -> float32
    exact(T([true, false]), [true, false], "bool");
    exact(
      T([
        [1, 2],
        [3, 4],
      ]),
      [
        [1, 2],
        [3, 4],
      ],
      "int32",
    );
    exact(T([1, 2.5]), [1, 2.5], "float32");
    exact(T([true, 2]), [1, 2], "int32");
    exact(T([true, 2.5]), [1, 2.5], "float32");
    exact(T([]), [], "float32");
    assert.deepEqual(T([]).shape, [0]);
    assert.deepEqual(T([[], []]).shape, [2, 0]);
    exact(T(3), 3, "int32");
    exact(T(true), true, "bool");
    assert.deepEqual(T(2.5).shape, []);
    withFloat64(() => assert.equal(T([0.5]).dtype, "float64"));
  });
  it("an explicit dtype converts: int truncates toward zero, bool is v != 0 with NaN true", () => {
    exact(T([1.7, -1.7], { dtype: "int32" }), [1, -1], "int32");
    exact(T([0, 2, NaN], { dtype: "bool" }), [false, true, true], "bool");
    exact(T([true, false], { dtype: "float64" }), [1, 0], "float64");
  });
  it("typed arrays keep their dtype and are copied", () => {
    const f = new Float64Array([1.5, 2]);
    const t = T(f);
    exact(t, [1.5, 2], "float64");
    f[0] = 9;
    exact(t, [1.5, 2]);
    exact(T(new Int32Array([1, 2])), [1, 2], "int32");
    exact(T(new Uint8Array([0, 1])), [false, true], "bool");
    exact(T(new Float32Array([0.5])), [0.5], "float32");
    exact(T(new Float32Array([1, 2]), { dtype: "float64" }), [1, 2], "float64");
  });
  it("typed arrays convert to another dtype as their values one by one would", () => {
    // float64 -> float32 rounds to nearest (1 + 2^-24 is a tie: to even, 1); NaN and infinities stay
    const f64 = new Float64Array([0.1, 1 + 2 ** -24, 1 + 3 * 2 ** -24, -0, Number.NaN, -Infinity, 3e40]);
    assert.deepEqual(Array.from(T(f64, { dtype: "float32" }).storage), Array.from(f64, Math.fround));
    assert.ok(Object.is(T(f64, { dtype: "float32" }).storage[3], -0), "-0 keeps its sign");
    exact(T(new Int32Array([2 ** 31 - 1, -3]), { dtype: "float32" }), [2147483648, -3], "float32");
    exact(T(new Uint8Array([0, 1]), { dtype: "float32" }), [0, 1], "float32");
    // views of other classes (not storage classes) still convert value by value
    exact(T(new Int16Array([3, -4]) as unknown as Int32Array, { dtype: "float32" }), [3, -4], "float32");
    exact(T(new BigInt64Array([5n]) as unknown as Int32Array, { dtype: "float64" }), [5], "float64");
    // into int32 and bool the values are still checked and converted one by one
    exact(T(new Float32Array([1.7, -1.7]), { dtype: "int32" }), [1, -1], "int32");
    throwsWith(() => T(new Float64Array([1, 2 ** 31]), { dtype: "int32" }), tl.ValueError, /value 2147483648 \(element 1\)/);
    exact(T(new Float32Array([0, 0.5, Number.NaN]), { dtype: "bool" }), [false, true, true], "bool");
    // a tensor's values through tensor(), into another float dtype
    const src = T(new Float64Array([0.1, 2.5]));
    exact(T(src, { dtype: "float32" }), [Math.fround(0.1), 2.5], "float32");
  });
  it("the shape option views flat values", () => {
    exact(T([1, 2, 3, 4, 5, 6], { shape: [2, 3] }), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    exact(T(new Float64Array([1, 2, 3, 4]), { shape: [2, 1, 2] }), [[[1, 2]], [[3, 4]]]);
    exact(T([7], { shape: [] }), 7);
    // torch: "shape '[3]' is invalid for input of size 2"
    throwsWith(() => T([1, 2], { shape: [3] }), tl.ShapeError, /^tensor: shape \[3\] holds 3 elements but 2 values were given/);
    throwsWith(
      () => T([1, 2], { shape: [-1, 2] }),
      tl.ShapeError,
      /^tensor: shape must be an array of non-negative integers, got \[-1,2\]/,
    );
  });
  it("requiresGrad and copying a tensor", () => {
    const x = T([1.5, 2], { requiresGrad: true });
    assert.equal(x.requiresGrad, true);
    assert.equal(x.isLeaf, true);
    const y = T(x, { dtype: "float64" });
    exact(y, [1.5, 2], "float64");
    assert.equal(y.requiresGrad, false);
    assert.notEqual(y.storage, x.storage);
  });
  it("ragged arrays are refused with the path and sizes", () => {
    // torch: "expected sequence of length 2 at dim 1 (got 1)"
    throwsWith(
      () => T([[1, 2], [3]]),
      tl.ShapeError,
      /^tensor: ragged nested array: element \[1\] has length 1 but dim 1 has size 2 \(from the first row\)/,
    );
    throwsWith(
      () => T([[1], 2] as tl.NestedArray),
      tl.ShapeError,
      /^tensor: ragged nested array: element \[1\] has no length but dim 1 has size 1/,
    );
    throwsWith(
      () => T([1, [2]] as tl.NestedArray),
      tl.ValueError,
      /^tensor: element \[1\] is an array, but the nesting says a number or boolean belongs there/,
    );
    throwsWith(() => T([[1, "a"]] as unknown as tl.NestedArray), tl.ValueError, /^tensor: element \[0\]\[1\] is "a"/);
  });
  it("integers beyond int32 are refused rather than wrapped", () => {
    // torch: tensor([2**31]).dtype -> int64 (holds it); Int32Array would store -2147483648
    throwsWith(
      () => T([1, 2 ** 31]),
      tl.ValueError,
      /^tensor: value 2147483648 \(element 1\) does not fit in int32.*\{ dtype: "float64" \}/,
    );
    throwsWith(() => T([-3e9]), tl.ValueError, /value -3000000000/);
    exact(T([2 ** 31], { dtype: "float64" }), [2147483648], "float64");
    exact(T([2 ** 31 - 1, -(2 ** 31)]), [2147483647, -2147483648], "int32");
    // torch.tensor([2.7, nan], dtype=torch.int32) -> "value cannot be converted to type int32
    // without overflow" (an Int32Array would store 0)
    throwsWith(() => T([2.7, Number.NaN], { dtype: "int32" }), tl.ValueError, /^tensor: value NaN \(element 1\) does not fit in int32/);
  });
  it("full of NaN as bool is true, as PyTorch's bool(nan)", () => {
    // torch.full((2,), float('nan'), dtype=torch.bool) -> [True, True]; full((2,), 3, dtype=bool) -> [True, True]
    assert.deepEqual(Array.from(tl.full([2], Number.NaN, { dtype: "bool" }).storage), [1, 1]);
    assert.deepEqual(Array.from(tl.full([2], 3, { dtype: "bool" }).storage), [1, 1]);
    assert.deepEqual(Array.from(tl.full([2], 0, { dtype: "bool" }).storage), [0, 0]);
  });
  it("an unknown dtype is refused", () => {
    throwsWith(() => T([1], { dtype: "int64" as tl.DType }), tl.DTypeError, /^tensor: unknown dtype "int64"/);
  });
});

describe("zeros / ones / full / eye", () => {
  it("fill values and dtypes", () => {
    // torch: full((2,),3).dtype -> int64; full((2,),True) -> bool; full((2,),1.5) -> float32
    exact(
      tl.zeros([2, 2]),
      [
        [0, 0],
        [0, 0],
      ],
      "float32",
    );
    exact(tl.ones([3], { dtype: "int32" }), [1, 1, 1], "int32");
    exact(tl.full([2], 3), [3, 3], "int32");
    exact(tl.full([2], true), [true, true], "bool");
    exact(tl.full([2], 1.5), [1.5, 1.5], "float32");
    exact(tl.full([1, 2], 7, { dtype: "float64" }), [[7, 7]], "float64");
    exact(tl.zeros([]), 0);
    assert.deepEqual(tl.zeros([2, 0, 3]).shape, [2, 0, 3]);
    withFloat64(() => assert.equal(tl.ones([1]).dtype, "float64"));
  });
  it("*Like copies shape and dtype", () => {
    const x = T([[1, 2]], { dtype: "float64" });
    exact(tl.zerosLike(x), [[0, 0]], "float64");
    exact(tl.onesLike(x), [[1, 1]], "float64");
    exact(tl.fullLike(x, 4), [[4, 4]], "float64");
    exact(tl.onesLike(x, { dtype: "int32" }), [[1, 1]], "int32");
  });
  it("eye", () => {
    // torch: eye(2,3) -> [[1,0,0],[0,1,0]]
    exact(
      tl.eye(2, 3),
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      "float32",
    );
    exact(tl.eye(3, 2), [
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    exact(
      tl.eye(2, 2, { dtype: "int32" }),
      [
        [1, 0],
        [0, 1],
      ],
      "int32",
    );
    assert.equal(tl.eye(2, 2, { requiresGrad: true }).requiresGrad, true);
  });
  it("bad shapes and sizes name the function called", () => {
    throwsWith(() => tl.full([2, -1], 0), tl.ShapeError, /^full: shape must be an array of non-negative integers, got \[2,-1\]/);
    throwsWith(() => tl.zeros([-1]), tl.ShapeError, /^zeros: shape must be an array of non-negative integers, got \[-1\]/);
    throwsWith(() => tl.ones([2.5]), tl.ShapeError, /^ones: shape must be/);
    throwsWith(() => tl.eye(-1), tl.ValueError, /^eye: n and m must be non-negative integers, got n=-1, m=-1/);
    throwsWith(() => tl.eye(2, 1.5), tl.ValueError, /^eye: n and m must be non-negative integers, got n=2, m=1.5/);
    throwsWith(() => tl.rand([1.5]), tl.ShapeError, /^rand: shape must be an array of non-negative integers, got \[1.5\]/);
    throwsWith(() => tl.randn(3 as unknown as number[]), tl.ShapeError, /^randn: shape must be an array/);
  });
});

describe("arange / linspace (against PyTorch 1.13)", () => {
  it("arange with integer arguments gives int32", () => {
    // torch: arange(5).dtype -> int64; arange(5,0,-2) -> [5, 3, 1]
    exact(tl.arange(5), [0, 1, 2, 3, 4], "int32");
    exact(tl.arange(2, 5), [2, 3, 4], "int32");
    exact(tl.arange(5, 0, -2), [5, 3, 1], "int32");
    exact(tl.arange(3, 3), [], "int32");
    exact(tl.arange(0, 3, 1, { dtype: "float64" }), [0, 1, 2], "float64");
  });
  it("options may follow any form of arange, as torch.arange(end, dtype=...)", () => {
    // torch: arange(5, dtype=float64) -> [0., 1., 2., 3., 4.]; arange(2, 5, dtype=float32); arange(1, 2, 0.5, dtype=float64)
    const forms: [() => tl.Tensor, number[]][] = [
      [() => tl.arange(5, { dtype: "float64" }), [0, 1, 2, 3, 4]],
      [() => tl.arange(2, 5, { dtype: "float64" }), [2, 3, 4]],
      [() => tl.arange(1, 2, 0.5, { dtype: "float64" }), [1, 1.5]],
      [() => tl.arange(0, { dtype: "float64" }), []],
    ];
    for (const [make, values] of forms) {
      exact(make(), values, "float64");
    }
    for (const dtype of ["float32", "int32"] as const) assert.equal(tl.arange(3, { dtype }).dtype, dtype);
    // torch: "arange_cpu" not implemented for 'Bool'
    throwsWith(() => tl.arange(3, { dtype: "bool" }), tl.DTypeError, /^arange: a range cannot be bool/);
    throwsWith(() => tl.linspace(0, 1, 3, { dtype: "bool" }), tl.DTypeError, /^linspace: a range cannot be bool/);
    const g = tl.arange(3, { dtype: "float32", requiresGrad: true });
    assert.equal(g.requiresGrad, true);
    throwsWith(() => tl.arange(3, { dtype: "int64" as tl.DType }), tl.DTypeError, /^arange: unknown dtype "int64"/);
  });
  it("tensor() of a frame Series or DataFrame says to call toTensor()", () => {
    const s = new Series([1, 2, null]);
    const df = new DataFrame({ a: [1, 2] });
    for (const v of [s, df]) {
      throwsWith(
        () => tl.tensor(v as never),
        tl.ValueError,
        new RegExp(`^tensor: got a ${v.constructor.name}, but tensor\\(\\) takes .* Call its toTensor\\(\\) method instead`),
      );
    }
    throwsWith(() => tl.tensor(new Map() as never), tl.ValueError, /^tensor: got a Map, .*Convert it to an array of numbers first/);
    exact(s.toTensor("float64"), [1, 2, NaN]); // the route the message points to
  });
  it("arange with float steps, positive and negative", () => {
    // torch: arange(0,1,0.1).tolist() (float32)
    exact(
      tl.arange(0, 1, 0.1),
      [
        0.0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645, 0.5, 0.6000000238418579, 0.699999988079071,
        0.800000011920929, 0.8999999761581421,
      ],
      "float32",
    );
    // torch: arange(0,1,0.1,dtype=float64).tolist()
    exact(
      tl.arange(0, 1, 0.1, { dtype: "float64" }),
      [0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9],
    );
    // torch: arange(1,0,-0.25) -> [1.0, 0.75, 0.5, 0.25]; arange(-1,1,0.3) -> [-1.0, -0.699999988079071, ...]
    exact(tl.arange(1, 0, -0.25), [1, 0.75, 0.5, 0.25], "float32");
    exact(
      tl.arange(-1, 1, 0.3),
      [-1.0, -0.699999988079071, -0.4000000059604645, -0.10000000149011612, 0.20000000298023224, 0.5, 0.800000011920929],
    );
    // torch: arange(0,1,0.3) -> 4 values
    assert.equal(tl.arange(0, 1, 0.3).numel(), 4);
  });
  it("arange errors: a step going the wrong way, a zero step, non-finite bounds", () => {
    // torch: "upper bound and larger bound inconsistent with step sign"; "step must be nonzero"
    throwsWith(
      () => tl.arange(0, 5, -1),
      tl.ValueError,
      /^arange: step -1 goes away from end: start=0, end=5. Use a positive step, or swap start and end/,
    );
    throwsWith(() => tl.arange(5, 0, 1), tl.ValueError, /^arange: step 1 goes away from end: start=5, end=0. Use a negative step/);
    throwsWith(() => tl.arange(0, 5, 0), tl.ValueError, /^arange: step must be a finite non-zero number, got 0/);
    throwsWith(() => tl.arange(0, Infinity), tl.ValueError, /^arange: start and end must be finite, got start=0, end=Infinity/);
  });
  it("linspace matches torch.linspace", () => {
    // PyTorch's CPU kernel fills with SIMD lanes (base + j * step), so its last bit depends on the
    // vector width of the machine; tensorloom uses the symmetric scalar formula. Compare to 1 ulp.
    // torch: linspace(0,1,5) -> [0.0, 0.25, 0.5, 0.75, 1.0]
    exact(tl.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], "float32");
    // torch: linspace(0,1,1) -> [0.0] (the start; the symmetric fill's second half alone gave the end)
    exact(tl.linspace(0, 1, 1), [0], "float32");
    exact(tl.linspace(-2, 5, 1, { dtype: "float64" }), [-2], "float64");
    // torch: linspace(-1,2,7,dtype=float64) -> [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0]
    exact(tl.linspace(-1, 2, 7, { dtype: "float64" }), [-1, -0.5, 0, 0.5, 1, 1.5, 2], "float64");
    // torch: linspace(0.1,0.7,4,dtype=float64) -> [0.1, 0.3, 0.5, 0.7]
    exact(tl.linspace(0.1, 0.7, 4, { dtype: "float64" }), [0.1, 0.3, 0.5, 0.7]);
    // torch: linspace(0,1,10,dtype=float64).tolist()
    close(
      tl.linspace(0, 1, 10, { dtype: "float64" }),
      [
        0.0, 0.1111111111111111, 0.2222222222222222, 0.3333333333333333, 0.4444444444444444, 0.5555555555555556, 0.6666666666666666,
        0.7777777777777777, 0.8888888888888888, 1.0,
      ],
      { atol: 0, rtol: 2.3e-16 },
    );
    // torch: linspace(-3.3,7.1,9).tolist() (float32). PyTorch computes step and products in float32,
    // tensorloom in float64 then rounds once, so up to 2 float32 ulps apart (ours nearer 0.6 here).
    close(
      tl.linspace(-3.3, 7.1, 9),
      [
        -3.299999952316284, -2.0, -0.7000000476837158, 0.5999999046325684, 1.9000000953674316, 3.200000047683716, 4.5, 5.800000190734863,
        7.099999904632568,
      ],
      { atol: 0, rtol: 2.5e-7 },
    );
    // torch: linspace(3,3,1) -> [3.0]; linspace(0,1,0) -> []; linspace(2,-1,4) -> [2, 1, 0, -1]
    exact(tl.linspace(3, 3, 1), [3]);
    exact(tl.linspace(0, 1, 0), []);
    exact(tl.linspace(2, -1, 4), [2, 1, 0, -1]);
    assert.equal(tl.linspace(0, 1, 11).storage[10], 1);
  });
  it("linspace errors", () => {
    throwsWith(() => tl.linspace(0, 1, -1), tl.ValueError, /^linspace: steps must be a non-negative integer, got -1/);
    throwsWith(() => tl.linspace(0, 1, 2.5), tl.ValueError, /^linspace: steps must be a non-negative integer, got 2.5/);
  });
});

describe("random draws", () => {
  it("manualSeed makes draws reproducible; different seeds differ", () => {
    tl.manualSeed(42);
    const a = tl.rand([50]),
      b = tl.randn([50]),
      c = tl.randint(0, 10, [50]),
      p = tl.randperm(20);
    tl.manualSeed(42);
    assert.deepEqual(tl.rand([50]).storage, a.storage);
    assert.deepEqual(tl.randn([50]).storage, b.storage);
    assert.deepEqual(tl.randint(0, 10, [50]).storage, c.storage);
    assert.deepEqual(tl.randperm(20).storage, p.storage);
    tl.manualSeed(43);
    assert.notDeepEqual(tl.rand([50]).storage, a.storage);
    // the seed's high bits count too
    tl.manualSeed(2 ** 32 + 42);
    assert.notDeepEqual(tl.rand([50]).storage, a.storage);
  });
  it("a Generator passed in is independent of the default one", () => {
    const g1 = new tl.Generator(5),
      g2 = new tl.Generator(5);
    tl.manualSeed(0);
    const x = tl.randn([10], { generator: g1 });
    tl.rand([7]); // advancing the default generator does not touch g2
    assert.deepEqual(tl.randn([10], { generator: g2 }).storage, x.storage);
    assert.equal(g1.initialSeed(), 5);
  });
  it("rand is uniform on [0, 1)", () => {
    tl.manualSeed(1);
    const u = tl.rand([10000], { dtype: "float64" });
    assert.ok(u.storage.every((v) => v >= 0 && v < 1));
    const mean = u.sum().item() / 10000;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`); // sd of the mean: sqrt(1/12/1e4) = 0.0029
    assert.equal(tl.rand([2, 3]).dtype, "float32");
    assert.deepEqual(tl.rand([2, 3]).shape, [2, 3]);
  });
  it("randn has mean about 0 and std about 1 over 10k draws", () => {
    tl.manualSeed(2);
    const z = tl.randn([10000], { dtype: "float64" });
    const mean = z.mean().item();
    const std = z.std().item();
    assert.ok(Math.abs(mean) < 0.04, `mean ${mean}`); // sd of the mean: 0.01
    assert.ok(Math.abs(std - 1) < 0.03, `std ${std}`); // sd of the std: about 0.007
    // tails: about 4.55% beyond 2 sigma
    const beyond = z.abs().gt(2).sum().item();
    assert.ok(beyond > 350 && beyond < 560, `beyond 2 sigma: ${beyond}`);
  });
  it("randint stays in [low, high) and reaches both ends; randperm is a permutation", () => {
    tl.manualSeed(3);
    const r = tl.randint(-2, 3, [1000]);
    assert.equal(r.dtype, "int32");
    assert.ok(r.storage.every((v) => v >= -2 && v < 3));
    assert.deepEqual([...new Set(r.storage)].sort(), [-1, -2, 0, 1, 2].sort());
    const p = tl.randperm(50);
    assert.equal(p.dtype, "int32");
    assert.deepEqual(
      [...p.storage].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i),
    );
    exact(tl.randperm(0), [], "int32");
  });
  it("rand and randn need a float dtype; randint and randperm check their arguments", () => {
    throwsWith(() => tl.rand([2], { dtype: "int32" }), tl.DTypeError, /^rand: dtype must be float32 or float64, got int32. Use randint/);
    throwsWith(() => tl.randn([2], { dtype: "bool" }), tl.DTypeError, /^randn: dtype must be float32 or float64, got bool/);
    // torch: "random_ expects 'from' to be less than 'to', but got from=5 >= to=5"
    throwsWith(() => tl.randint(5, 5, [2]), tl.ValueError, /^randint: needs integers low < high, got low=5, high=5/);
    throwsWith(() => tl.randint(0, 2.5, [2]), tl.ValueError, /^randint: needs integers low < high, got low=0, high=2.5/);
    throwsWith(() => tl.randperm(-1), tl.ValueError, /^randperm: n must be a non-negative integer, got -1/);
    assert.throws(() => tl.manualSeed(NaN), /^TypeError: manualSeed: seed must be a finite number, got NaN/);
  });
});

describe("setDefaultDtype", () => {
  it("changes the dtype of new float tensors and float results of int inputs", () => {
    withFloat64(() => {
      assert.equal(tl.getDefaultDtype(), "float64");
      assert.equal(tl.zeros([1]).dtype, "float64");
      assert.equal(tl.rand([1]).dtype, "float64");
      assert.equal(tl.arange(0, 1, 0.5).dtype, "float64");
      assert.equal(tl.linspace(0, 1, 3).dtype, "float64");
      assert.equal(T([1, 2]).div(2).dtype, "float64");
      assert.equal(T([1, 2]).add(0.5).dtype, "float64");
      assert.equal(T([1, 2]).dtype, "int32");
    });
    assert.equal(tl.getDefaultDtype(), "float32");
  });
  it("refuses int32 and bool, as PyTorch", () => {
    // torch: "only floating-point types are supported as the default type"
    throwsWith(
      () => tl.setDefaultDtype("int32"),
      tl.DTypeError,
      /^setDefaultDtype: got "int32", but only float32 or float64 can be the default/,
    );
    throwsWith(() => tl.setDefaultDtype("bool"), tl.DTypeError, /^setDefaultDtype: got "bool"/);
    assert.equal(tl.getDefaultDtype(), "float32");
  });
});
