// sort, argsort, topk: the rules that define a stable sort (a permutation, ordered, ties in input
// order, NaN above everything) checked line by line on random tensors full of ties and
// non-finite values; topk as the first k of that order; gradients; errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";

const gen = new tl.Generator(7130);

/** Rank 1-4 (sometimes 0), sizes 0-6, a dim of it (sometimes negative). */
function randomCase(): { shape: number[]; dim: number } {
  const rank = gen.uniform() < 0.1 ? 0 : gen.int(1, 5);
  const shape = Array.from({ length: rank }, () => (gen.uniform() < 0.1 ? 0 : gen.int(1, 7)));
  const d = gen.int(0, Math.max(rank, 1));
  return { shape, dim: gen.uniform() < 0.5 ? d : d - Math.max(rank, 1) };
}

/** Values from a small pool, so lines have ties; floats also get NaN, +-inf and -0. */
function randomTensor(shape: number[], dtype: tl.DType): tl.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const pool = dtype === "bool" ? [0, 1] : dtype === "int32" ? [-2, -1, 0, 1, 2, 7] : [NaN, Infinity, -Infinity, -0, 0, 1.5, -1.5, 0.25];
  return tl.tensor(
    Array.from({ length: n }, () => pool[gen.int(0, pool.length)]!),
    { shape, dtype },
  );
}

/** a before b in ascending order: -1, 0 (equal, -0 == 0), 1; NaN above everything. */
function order(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** [outer, size, inner] of a shape around dim d (a 0-d tensor is one line of one). */
function split(shape: readonly number[], d: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  return [prod(shape.slice(0, d)), shape[d]!, prod(shape.slice(d + 1))];
}

/**
 * The stable-sort rule, line by line: indices are distinct positions of the line (all of them
 * when k = size), values[j] = x[indices[j]], consecutive values ordered, equal ones with rising
 * positions; and no left-out value comes before the last kept one.
 */
function checkSorted(x: tl.Tensor, d: number, values: tl.Tensor, indices: tl.Tensor, descending: boolean, label: string): void {
  const [outer, size, inner] = split(x.shape, d);
  const k = x.ndim === 0 ? 1 : values.shape[d]!;
  const xs = x.storage,
    vs = values.storage,
    is = indices.storage;
  const sign = descending ? -1 : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const seen = new Set<number>();
      for (let j = 0; j < k; j++) {
        const at = (o * k + j) * inner + i;
        const p = is[at]!;
        assert.ok(p >= 0 && p < size && !seen.has(p), `${label}: line (${o}, ${i}) position ${j} has index ${p}`);
        seen.add(p);
        assert.ok(Object.is(vs[at], xs[(o * size + p) * inner + i]), `${label}: values[${j}] is not x[indices[${j}]]`);
        if (j > 0) {
          const prev = (o * k + j - 1) * inner + i;
          const c = sign * order(vs[prev]!, vs[at]!);
          assert.ok(
            c < 0 || (c === 0 && is[prev]! < p),
            `${label}: line (${o}, ${i}) out of order at ${j}: ${vs[prev]}@${is[prev]} then ${vs[at]}@${p}`,
          );
        }
      }
      if (k === 0) continue;
      const last = (o * k + k - 1) * inner + i;
      for (let p = 0; p < size; p++) {
        if (seen.has(p)) continue;
        const c = sign * order(xs[(o * size + p) * inner + i]!, vs[last]!);
        assert.ok(
          c > 0 || (c === 0 && p > is[last]!),
          `${label}: line (${o}, ${i}) left out position ${p}, which comes before the last kept one`,
        );
      }
    }
  }
}

const DTYPES: tl.DType[] = ["float64", "float32", "int32", "bool"];

describe("sort / argsort: a stable sort along dim, NaN above everything", () => {
  it("300 random shapes, dims, dtypes and directions (ties, NaN, +-inf, -0)", () => {
    for (let t = 0; t < 300; t++) {
      const { shape, dim } = randomCase();
      const dtype = DTYPES[t % DTYPES.length]!;
      const descending = gen.uniform() < 0.5;
      const x = randomTensor(shape, dtype);
      const label = `sort ${dtype} [${shape}] dim ${dim}${descending ? " descending" : ""}`;
      const r = t % 3 === 0 ? tl.sort(x, { dim, descending }) : x.sort(dim, { descending, stable: t % 2 === 0 });
      assert.deepEqual([r.values.shape, r.indices.shape, r.values.dtype, r.indices.dtype], [shape, shape, dtype, "int32"], label);
      assert.equal(r[0], r.values);
      assert.equal(r[1], r.indices);
      checkSorted(x, dim < 0 ? dim + Math.max(shape.length, 1) : dim, r.values, r.indices, descending, label);
      assert.deepEqual(Array.from(x.argsort(dim, { descending }).storage), Array.from(r.indices.storage), `argsort: ${label}`);
    }
  });

  it("defaults: the last dim, ascending", () => {
    const x = randomTensor([3, 4, 5], "float64");
    assert.deepEqual(Array.from(x.sort().indices.storage), Array.from(x.sort(2, { descending: false }).indices.storage));
    assert.deepEqual(Array.from(tl.argsort(x).storage), Array.from(x.sort(-1).indices.storage));
  });
});

describe("topk: the first k of the stable sort (largest first, or smallest first)", () => {
  it("every k of 150 random shapes, dims, dtypes and directions", () => {
    for (let t = 0; t < 150; t++) {
      const { shape, dim } = randomCase();
      const dtype = DTYPES[t % 3]!; // bool is refused
      const largest = gen.uniform() < 0.5;
      const x = randomTensor(shape, dtype);
      const d = dim < 0 ? dim + Math.max(shape.length, 1) : dim;
      const size = shape.length === 0 ? 1 : shape[d]!;
      const full = x.sort(dim, { descending: largest });
      for (let k = 0; k <= size; k++) {
        const label = `topk ${dtype} [${shape}] dim ${dim} k ${k}${largest ? "" : " smallest"}`;
        const r = t % 2 === 0 ? x.topk(k, { dim, largest }) : tl.topk(x, k, { dim, largest, sorted: false });
        const want = shape.length === 0 ? full : { values: full.values.narrow(d, 0, k), indices: full.indices.narrow(d, 0, k) };
        assert.deepEqual(r.values.shape, want.values.shape, label);
        assert.ok(
          Array.from(r.values.storage).every((v, i) => Object.is(v, want.values.storage[i])),
          `${label}: values`,
        );
        assert.deepEqual(Array.from(r.indices.storage), Array.from(want.indices.storage), `${label}: indices`);
        checkSorted(x, d, r.values, r.indices, largest, label);
      }
    }
  });

  it("ties: the lower position comes first (PyTorch leaves this unspecified)", () => {
    assert.deepEqual(Array.from(tl.topk(tl.tensor([1, 5, 2, 5, 5, 2]), 4).indices.storage), [1, 3, 4, 2]);
    assert.deepEqual(Array.from(tl.topk(tl.tensor([1, 5, 2, 5, 1, 2]), 3, { largest: false }).indices.storage), [0, 4, 2]);
    assert.deepEqual(Array.from(tl.topk(tl.tensor([0, -0, NaN, NaN]), 3).indices.storage), [2, 3, 0]);
  });

  it("defaults: the last dim, largest", () => {
    const x = randomTensor([3, 6], "float64");
    assert.deepEqual(Array.from(x.topk(2).indices.storage), Array.from(x.sort(1, { descending: true }).indices.narrow(1, 0, 2).storage));
  });
});

describe("sort / topk gradients", () => {
  it("float64 gradCheck of sort values and topk values on random shapes and dims (distinct values)", () => {
    for (let t = 0; t < 16; t++) {
      const { shape, dim } = randomCase();
      const x = tl.randn(shape, { dtype: "float64", requiresGrad: true, generator: gen });
      const descending = t % 2 === 0;
      tl.gradCheck((a) => a.sort(dim, { descending }).values, [x], { name: `sort [${shape}] dim ${dim}` });
      const d = dim < 0 ? dim + Math.max(shape.length, 1) : dim;
      const k = Math.floor((shape.length === 0 ? 1 : shape[d]!) / 2);
      tl.gradCheck((a) => a.topk(k, { dim, largest: descending }).values, [x], { name: `topk k ${k} [${shape}] dim ${dim}` });
    }
  });

  it("the gradient of each kept value goes to its position, the rest get 0 (ties included)", () => {
    for (let t = 0; t < 30; t++) {
      const { shape, dim } = randomCase();
      const x = randomTensor(shape, "float64").detach();
      x.requiresGrad = true;
      const d = dim < 0 ? dim + Math.max(shape.length, 1) : dim;
      const k = gen.int(0, (shape.length === 0 ? 1 : shape[d]!) + 1);
      const r = x.topk(k, { dim });
      const g = tl.randn(r.values.shape, { dtype: "float64", generator: gen });
      r.values.backward(g);
      const [outer, size, inner] = split(shape, d);
      const kk = shape.length === 0 ? 1 : k;
      const want = new Float64Array(x.numel());
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < kk; j++) {
          for (let i = 0; i < inner; i++)
            want[(o * size + r.indices.storage[(o * kk + j) * inner + i]!) * inner + i] = g.storage[(o * kk + j) * inner + i]!;
        }
      }
      assert.deepEqual(Array.from(x.grad!.storage), Array.from(want), `topk [${shape}] dim ${dim} k ${k}`);
    }
  });

  it("changing the indices in place before backward is an AutogradError, not a wrong gradient", () => {
    const x = tl.randn([5], { dtype: "float64", requiresGrad: true });
    const r = x.sort();
    r.indices.add_(0);
    assert.throws(() => r.values.sum().backward(), tl.AutogradError);
  });
});

describe("sort / argsort / topk errors", () => {
  it("a dim out of range names the op, the dim and the range", () => {
    const x = tl.zeros([2, 3]);
    for (const [op, call] of [
      ["sort", () => x.sort(2)],
      ["argsort", () => x.argsort(-3)],
      ["topk", () => x.topk(1, { dim: 5 })],
      ["sort", () => tl.sort(tl.tensor(1), 1)],
    ] as const) {
      assert.throws(
        call,
        (e: Error) => e instanceof tl.IndexError && e.message.startsWith(`${op}: dim `) && /out of range/.test(e.message),
        op,
      );
    }
  });

  it("topk: k outside [0, size] is an IndexError naming k, the size and the range; a fractional k a ValueError", () => {
    const x = tl.zeros([2, 3]);
    for (const [k, dim] of [
      [4, 1],
      [3, 0],
      [-1, 1],
      [2, 0],
    ] as const) {
      const size = x.shape[dim]!;
      if (k >= 0 && k <= size) {
        assert.equal(x.topk(k, { dim }).values.shape[dim], k);
        continue;
      }
      assert.throws(
        () => x.topk(k, { dim }),
        (e: Error) =>
          e instanceof tl.IndexError &&
          e.message.startsWith(`topk: k = ${k} is out of range for dim ${dim} of size ${size}`) &&
          e.message.includes(`[0, ${size}]`),
      );
    }
    assert.throws(
      () => tl.topk(tl.tensor(2), 2),
      (e: Error) => e instanceof tl.IndexError && e.message.includes("[0, 1]"),
    );
    assert.throws(
      () => x.topk(1.5),
      (e: Error) => e instanceof tl.ValueError && e.message.startsWith("topk: k must be an integer, got 1.5"),
    );
  });

  it("topk refuses bool tensors (as PyTorch) and says how to convert", () => {
    assert.throws(
      () => tl.topk(tl.tensor([true, false]), 1),
      (e: Error) =>
        e instanceof tl.DTypeError && e.message.startsWith("topk: not supported for bool") && e.message.includes('.to("int32")'),
    );
  });
});
