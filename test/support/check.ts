// Small assertions shared by the op tests: compare a tensor with hand-derived or PyTorch values,
// make float64 inputs for gradCheck, and assert an error's class and message. Test support only.

import assert from "node:assert/strict";
import * as tl from "../../src/index.js";

type Nested = number | boolean | Nested[];

function flat(v: Nested): (number | boolean)[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}

function shapeOf(v: Nested): number[] {
  const s: number[] = [];
  for (let x = v; Array.isArray(x); x = x[0]!) {
    s.push(x.length);
    if (x.length === 0) break;
  }
  return s;
}

/**
 * `actual` equals `expected` (nested arrays; shape included) within atol + rtol |e|; NaN matches
 * NaN and infinities must match exactly. Pass `dtype` to check that too.
 */
export function close(
  actual: tl.Tensor | null | undefined,
  expected: Nested,
  opts: { atol?: number; rtol?: number; dtype?: tl.DType; label?: string } = {},
): void {
  const { atol = 1e-6, rtol = 1e-6, label = "tensor" } = opts;
  assert.ok(actual, `${label}: missing`);
  assert.deepEqual(actual.shape, shapeOf(expected), `${label}: shape`);
  if (opts.dtype) assert.equal(actual.dtype, opts.dtype, `${label}: dtype`);
  const e = flat(expected).map(Number);
  const a = Array.from(actual.storage);
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!,
      y = e[i]!;
    if (Number.isNaN(y)) {
      assert.ok(Number.isNaN(x), `${label}: element ${i} is ${x}, expected NaN (got ${a.join(", ")})`);
    } else if (!Number.isFinite(y)) {
      assert.equal(x, y, `${label}: element ${i} is ${x}, expected ${y} (got ${a.join(", ")})`);
    } else {
      assert.ok(
        Math.abs(x - y) <= atol + rtol * Math.abs(y),
        `${label}: element ${i} is ${x}, expected ${y} (got [${a.join(", ")}], expected [${e.join(", ")}])`,
      );
    }
  }
}

/** Exact equality of values, shape and dtype (ints, bools, exactly representable floats). */
export function exact(actual: tl.Tensor | null | undefined, expected: Nested, dtype?: tl.DType): void {
  assert.ok(actual, "tensor missing");
  if (dtype) assert.equal(actual.dtype, dtype, "dtype");
  assert.deepEqual(actual.toArray(), expected);
}

/** A float64 leaf that requires grad. */
export function f64(values: Nested): tl.Tensor {
  return tl.tensor(values as tl.NestedArray, { dtype: "float64", requiresGrad: true });
}

/** A float64 leaf of random normal values (seeded) that requires grad. */
export function randf64(shape: number[], seed: number): tl.Tensor {
  tl.manualSeed(seed);
  return tl.randn(shape, { dtype: "float64" }).requiresGrad_();
}

/** Random float64 values with every |v| >= margin and all distinct: away from kinks and ties. */
export function spread(shape: number[], seed: number, margin = 0.1): tl.Tensor {
  tl.manualSeed(seed);
  const x = tl.randn(shape, { dtype: "float64" });
  const s = x.storage;
  for (let i = 0; i < s.length; i++) s[i] = (s[i]! >= 0 ? 1 : -1) * (Math.abs(s[i]!) + margin) + i * 1e-3;
  return x.requiresGrad_();
}

/** fn throws an instance of `cls` whose message matches every regex. */
export function throwsWith(fn: () => unknown, cls: new (...a: never[]) => Error, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}
