// cumsum and cumprod: the prefix rule on random shapes, dims and dtypes, dtype promotion, int32
// wrapping, float64 gradient checks (cumprod on every pattern of zeros, first and second order)
// and the errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";

const gen = new tl.Generator(20261207);
const scans = { cumsum: tl.cumsum, cumprod: tl.cumprod };

/** A random shape of rank 0-4 with sizes 0-4 (0 rarely) and a dim of it, sometimes negative. */
function randomCase(): { shape: number[]; dim: number } {
  const rank = gen.int(0, 5);
  const shape = Array.from({ length: rank }, () => (gen.uniform() < 0.1 ? 0 : gen.int(1, 5)));
  const d = gen.int(0, Math.max(rank, 1));
  return { shape, dim: gen.uniform() < 0.5 ? d : d - Math.max(rank, 1) };
}

/** Small values so int32 products stay exact; floats are float32-exact halves. */
function randomValues(n: number, dtype: tl.DType): number[] {
  return Array.from({ length: n }, () => (dtype === "bool" ? gen.int(0, 2) : dtype === "int32" ? gen.int(-3, 4) : gen.int(-6, 7) / 2));
}

const DTYPES: tl.DType[] = ["float64", "float32", "int32", "bool"];

describe("cumsum / cumprod: position i along dim is the sum / product of positions 0..i", () => {
  for (const op of ["cumsum", "cumprod"] as const) {
    it(`${op} on 200 random shapes, dims and dtypes`, () => {
      for (let t = 0; t < 200; t++) {
        const { shape, dim } = randomCase();
        const dtype = DTYPES[t % DTYPES.length]!;
        const x = tl.tensor(
          randomValues(
            shape.reduce((a, b) => a * b, 1),
            dtype,
          ),
          { shape, dtype },
        );
        const out = op === "cumsum" ? x.cumsum(dim) : x.cumprod(dim);
        const label = `${op} ${dtype} [${shape}] dim ${dim}`;
        assert.deepEqual(out.shape, shape, label);
        assert.equal(out.dtype, dtype === "bool" ? "int32" : dtype, label);
        if (shape.length === 0) {
          assert.equal(out.item(), Number(x.item()), label);
          continue;
        }
        const d = dim < 0 ? dim + shape.length : dim;
        for (let i = 0; i < shape[d]!; i++) {
          const prefix = x.narrow(d, 0, i + 1);
          const want = op === "cumsum" ? prefix.sum(d) : prefix.prod(d);
          // halves summed or multiplied a few times are exact in float32 and float64
          assert.deepEqual(Array.from(out.select(d, i).storage), Array.from(want.storage), `${label} at ${i}`);
        }
      }
    });
  }

  it("float32 sums accumulate in float64 and round once per element (as PyTorch's CPU kernel)", () => {
    const vals = [1, 2 ** -24, 2 ** -24, 2 ** -24, 2 ** -24];
    const out = tl.tensor(vals, { dtype: "float32" }).cumsum(0);
    let acc = 0;
    vals.forEach((v, i) => {
      acc += v;
      assert.equal(out.storage[i], Math.fround(acc), `position ${i}`);
    });
  });

  it("int32 results wrap around as int32 arithmetic", () => {
    assert.deepEqual(Array.from(tl.tensor([2 ** 31 - 1, 1, 1], { dtype: "int32" }).cumsum(0).storage), [
      2 ** 31 - 1,
      -(2 ** 31),
      -(2 ** 31) + 1,
    ]);
    assert.deepEqual(Array.from(tl.tensor([65536, 65536, 3], { dtype: "int32" }).cumprod(0).storage), [65536, 0, 0]);
  });
});

describe("cumsum / cumprod result dtype", () => {
  for (const op of ["cumsum", "cumprod"] as const) {
    it(`${op}: dtype= casts first; without it ints and bools give int32, floats keep theirs; bool is refused`, () => {
      for (const from of DTYPES) {
        for (const to of [undefined, ...DTYPES]) {
          const x = tl.tensor([1, 0, 1], { dtype: from });
          const call = () => scans[op](x, 0, to === undefined ? {} : { dtype: to });
          if (to === "bool") {
            assert.throws(
              call,
              (e: Error) => e instanceof tl.DTypeError && e.message.startsWith(`${op}: dtype bool`) && /int32/.test(e.message),
            );
            continue;
          }
          const want = to ?? (from === "float32" || from === "float64" ? from : "int32");
          assert.equal(call().dtype, want, `${from} with dtype ${to}`);
        }
      }
    });
  }

  it("a float-to-float dtype passes the gradient back in the input's dtype", () => {
    const x = tl.tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
    x.cumsum(0, { dtype: "float64" }).sum().backward();
    assert.equal(x.grad!.dtype, "float32");
    assert.deepEqual(Array.from(x.grad!.storage), [3, 2, 1]);
  });
});

describe("cumsum / cumprod gradients (float64 gradCheck)", () => {
  it("cumsum on random shapes and dims", () => {
    for (let t = 0; t < 12; t++) {
      const { shape, dim } = randomCase();
      const x = tl.randn(shape, { dtype: "float64", requiresGrad: true, generator: gen });
      tl.gradCheck((a) => a.cumsum(dim), [x], { name: `cumsum [${shape}] dim ${dim}` });
    }
  });

  it("cumprod on random shapes and dims without zeros", () => {
    for (let t = 0; t < 12; t++) {
      const { shape, dim } = randomCase();
      const x = tl.rand(shape, { dtype: "float64", generator: gen }).mul(1.5).add(0.5).detach();
      x.requiresGrad = true;
      tl.gradCheck((a) => a.cumprod(dim), [x], { name: `cumprod [${shape}] dim ${dim}` });
    }
  });

  /** Every zero pattern of a line of 5 (32 rows, -0 in some), other entries random in +-[0.5, 2). */
  function zeroPatterns(): tl.Tensor {
    const rows: number[] = [];
    for (let mask = 0; mask < 32; mask++) {
      for (let j = 0; j < 5; j++) {
        const v = (gen.uniform() * 1.5 + 0.5) * (gen.uniform() < 0.5 ? -1 : 1);
        rows.push(mask & (1 << j) ? (mask % 3 === 0 ? -0 : 0) : v);
      }
    }
    return tl.tensor(rows, { shape: [32, 5], dtype: "float64" });
  }

  it("cumprod's gradient is exact with zeros anywhere in a line (all 32 patterns, along dim 1 and dim 0)", () => {
    const x = zeroPatterns();
    for (const [input, dim] of [
      [x, 1],
      [x.t().contiguous(), 0],
    ] as const) {
      const a = input.detach();
      a.requiresGrad = true;
      tl.gradCheck((t) => t.cumprod(dim), [a], { name: `cumprod zeros dim ${dim}`, maxElementwise: 200 });
    }
  });

  it("cumprod's second derivative is exact with zeros (gradient of the gradient, createGraph)", () => {
    const x = zeroPatterns().detach();
    x.requiresGrad = true;
    const w = tl.randn([32, 5], { dtype: "float64", generator: gen });
    // gradCheck's numeric pass runs under noGrad; the inner gradient needs a graph either way
    const gradOf = (t: tl.Tensor) => tl.enableGrad(() => tl.grad(t.cumprod(1).mul(w).sum(), [t], undefined, { createGraph: true })[0]!);
    tl.gradCheck(gradOf, [x], { name: "cumprod second order", directions: 8 });
  });
});

describe("cumsum / cumprod errors", () => {
  for (const op of ["cumsum", "cumprod"] as const) {
    it(`${op}: a dim out of range names the op, the dim and the valid range`, () => {
      for (const [shape, dim] of [
        [[2, 3], 2],
        [[2, 3], -3],
        [[], 1],
        [[4], 0.5],
      ] as [number[], number][]) {
        assert.throws(
          () => scans[op](tl.zeros(shape), dim),
          (e: Error) => e instanceof tl.IndexError && e.message.startsWith(`${op}: dim ${dim} is out of range`),
        );
      }
    });

    it(`${op}: an unknown dtype names the op and the dtypes there are`, () => {
      assert.throws(
        () => scans[op](tl.zeros([2]), 0, { dtype: "int64" as tl.DType }),
        (e: Error) => e instanceof tl.DTypeError && e.message.startsWith(`${op}: unknown dtype "int64"`),
      );
    });
  }
});

describe("cumprod's gradient with zeros and non-finite values (against PyTorch 1.13)", () => {
  it("masks the terms past the first (and second) zero, so an inf or NaN there does not leak", () => {
    // torch: cumprod(x, 0).sum().backward() for each x below
    const cases: [number[], number[]][] = [
      [
        [2, 0, 3, 0, Infinity],
        [1, 8, 0, 0, 0],
      ],
      [
        [1, 2, 0, Number.NaN, -Infinity],
        [3, 1, Number.NaN, 0, 0],
      ],
      [
        [2, 0, Infinity, 3],
        [1, Infinity, 0, 0],
      ],
      [
        [2, 3, 0, 4, 0, Number.NaN],
        [4, 2, 30, 0, 0, 0],
      ],
    ];
    for (const [v, want] of cases) {
      const x = tl.tensor(v, { dtype: "float64", requiresGrad: true });
      tl.cumprod(x, 0).sum().backward();
      assert.deepEqual(Array.from(x.grad!.storage), want, `x = [${v}]`);
    }
  });
});
