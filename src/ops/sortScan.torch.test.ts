// cumsum/cumprod (test/fixtures/scan.json) and sort/argsort/topk (test/fixtures/sort.json)
// against PyTorch, made by scripts/fixtures/make_sort_scan_refs.py: values, indices and input
// gradients, on every backend, in float64 and float32.

import assert from "node:assert/strict";
import * as tl from "../index.js";
import {
  type FixtureCase,
  type FixtureTensor,
  type FloatType,
  LOCAL_FIXTURE_DIR,
  TOL,
  type Tolerance,
  deferredChecks,
  describeFixtureCases,
  fromFixture,
} from "../../test/support/fixtures.js";

/** These fixtures write non-finite values as "nan", "inf", "-inf" (strict JSON). */
function decode(t: FixtureTensor): FixtureTensor {
  const data = (t.data as (number | string | boolean)[]).map((v) =>
    v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v),
  );
  return { ...t, data };
}

/** Close within tol where PyTorch's value is finite; identical (NaN, +-inf) where it is not. */
function expectClose(actual: tl.Tensor | null, expected: FixtureTensor, tol: Tolerance, label: string): void {
  assert.ok(actual, `${label}: missing`);
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const e = decode(expected).data;
  const check = (a: ArrayLike<number>): void =>
    e.forEach((ev, i) => {
      const av = a[i]!;
      const ok = Number.isFinite(ev)
        ? Math.abs(av - ev) <= tol.atol + tol.rtol * Math.abs(ev)
        : Object.is(av, ev) || (Number.isNaN(ev) && Number.isNaN(av));
      if (!ok) assert.fail(`${label}: element ${i} is ${av} but PyTorch gives ${ev} (rtol ${tol.rtol}, atol ${tol.atol})`);
    });
  // a GPU tensor (webgpu backend) is read asynchronously by the harness that set the sink
  if (actual.deviceStorage?.hostAddressable === false) {
    const { sink } = deferredChecks;
    assert.ok(sink, `${label}: the tensor is on the GPU; set deferredChecks.sink to check it after an await`);
    sink(async () => check(await actual.dataAsync()));
    return;
  }
  check(actual.storage);
}

const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** The dtype tensorloom should give for a PyTorch output dtype in a run at `dtype`. */
function expectedDtype(t: FixtureTensor, dtype: FloatType): tl.DType {
  return t.dtype === "int64" ? "int32" : t.dtype === "bool" ? "bool" : t.dtype === "float64" ? dtype : (t.dtype as tl.DType);
}

interface Args {
  dim: number;
  dtype?: string;
  descending?: boolean;
  stable?: boolean;
  k?: number;
  largest?: boolean;
  sorted?: boolean;
}

function run(c: FixtureCase, dtype: FloatType): void {
  const a = c.args as unknown as Args;
  const x = fromFixture(decode(c.inputs.input!), dtype, c.grads !== undefined);
  let outs: Record<string, tl.Tensor>;
  switch (c.call) {
    case "torch.cumsum":
    case "torch.cumprod": {
      const opts = a.dtype ? { dtype: a.dtype as tl.DType } : {};
      outs = { output: c.call === "torch.cumsum" ? x.cumsum(a.dim, opts) : tl.cumprod(x, a.dim, opts) };
      break;
    }
    case "torch.sort": {
      const r = x.sort(a.dim, { descending: a.descending, stable: a.stable });
      outs = { values: r.values, indices: r.indices };
      break;
    }
    case "torch.argsort":
      outs = { output: tl.argsort(x, a.dim, { descending: a.descending, stable: a.stable }) };
      break;
    case "torch.topk": {
      const [values, indices] = x.topk(a.k!, { dim: a.dim, largest: a.largest, sorted: a.sorted });
      outs = { values, indices };
      break;
    }
    default:
      throw new Error(`no mapping for ${c.call}`);
  }
  for (const [k, want] of Object.entries(c.outputs)) {
    const got = outs[k]!;
    const wantType = a.dtype ? (a.dtype as tl.DType) : expectedDtype(want, dtype);
    assert.equal(got.dtype, wantType, `${c.name} [${dtype}] ${k} dtype`);
    expectClose(got, want, isFloatType(wantType) ? TOL[dtype] : EXACT, `${c.name} [${dtype}] ${k}`);
  }
  if (!c.grads) return;
  const diff = Object.keys(c.outputs).filter((k) => `grad_${k}` in c.inputs);
  assert.equal(diff.length, 1, `${c.name}: one differentiable output`);
  outs[diff[0]!]!.backward(fromFixture(decode(c.inputs[`grad_${diff[0]}`]!), dtype));
  expectClose(x.grad, c.grads.input!, TOL[dtype], `${c.name} [${dtype}] grad input`);
}

const isFloatType = (d: tl.DType): boolean => d === "float32" || d === "float64";

describeFixtureCases("scan", run, LOCAL_FIXTURE_DIR);
describeFixtureCases("sort", run, LOCAL_FIXTURE_DIR);
