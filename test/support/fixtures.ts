// Loading the PyTorch golden fixtures (../shared/fixtures/torch, format in its FORMAT.md) and
// comparing tensors with them. Test support only: nothing in src/ imports this.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../../src/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Where the shared PyTorch fixtures live; TENSORLOOM_FIXTURES overrides. */
export const FIXTURE_DIR = process.env.TENSORLOOM_FIXTURES ?? resolve(repoRoot, "../shared/fixtures/torch");
/** Reference data this project generated itself (scripts/fixtures/), committed under test/fixtures. */
export const LOCAL_FIXTURE_DIR = resolve(repoRoot, "test/fixtures");

export interface FixtureTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

export interface FixtureCase {
  name: string;
  call: string;
  args: Record<string, unknown>;
  procedure?: Record<string, unknown>;
  notes?: string;
  inputs: Record<string, FixtureTensor>;
  outputs: Record<string, FixtureTensor>;
  grads?: Record<string, FixtureTensor>;
}

export interface FixtureFile {
  op: string;
  torch_version: string;
  cases: FixtureCase[];
}

export function loadFixture(op: string, dir = FIXTURE_DIR): FixtureFile {
  return JSON.parse(readFileSync(resolve(dir, `${op}.json`), "utf8")) as FixtureFile;
}

/**
 * The backends every fixture runs on: the one the test runner chose (it runs the whole suite once
 * per backend with TENSORLOOM_BACKEND set), or every available one when a file is run by hand.
 */
export const BACKENDS: tl.BackendName[] =
  process.env.TENSORLOOM_BACKEND || tl.getBackend() === "webgpu" ? [tl.getBackend()] : tl.availableBackends();

export type FloatType = "float32" | "float64";

/** Float data in the requested precision; int64 indices become int32. */
export function fromFixture(t: FixtureTensor, dtype: FloatType, requiresGrad = false): tl.Tensor {
  const dt = t.dtype === "int64" || t.dtype === "int32" ? "int32" : t.dtype === "bool" ? "bool" : dtype;
  return tl.tensor(t.data, { shape: t.shape, dtype: dt, requiresGrad: requiresGrad && dt === dtype });
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Tolerances used against the float64 references (reported in the closing notes). */
export const TOL: Record<FloatType, Tolerance> = {
  float64: { rtol: 1e-9, atol: 1e-10 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};

/**
 * Where assertClose sends the value checks of tensors the host cannot read synchronously (a GPU
 * backend's): a harness that runs fixtures there (test/browser/webgpuPage.ts) sets `sink`,
 * awaits what it collected after each case, and so reuses every fixture mapping unchanged.
 */
export const deferredChecks: { sink: ((check: () => Promise<void>) => void) | null } = { sink: null };

/** |actual - expected| <= atol + rtol |expected| everywhere, shapes equal; NaN matches NaN. */
export function assertClose(actual: tl.Tensor | null | undefined, expected: FixtureTensor, tol: Tolerance, label: string): void {
  assert.ok(actual, `${label}: missing (expected shape [${expected.shape}])`);
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  if (actual.deviceStorage?.hostAddressable === false) {
    const { sink } = deferredChecks;
    assert.ok(sink, `${label}: the tensor is on the GPU; set deferredChecks.sink to check it after an await`);
    const values = actual.dataAsync(); // read now: the tensor may be updated in place before the check runs
    sink(async () => assertValuesClose(await values, expected, tol, label));
    return;
  }
  assertValuesClose(actual.storage, expected, tol, label);
}

/** assertClose's value check on values already on the host. */
function assertValuesClose(a: ArrayLike<number>, expected: FixtureTensor, tol: Tolerance, label: string): void {
  let worst = 0,
    at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!,
      v = a[i]!;
    // NaN matches NaN and an infinity matches the same infinity (inf - inf would be NaN).
    if ((Number.isNaN(e) && Number.isNaN(v)) || (e === v && !Number.isFinite(e))) continue;
    const excess = Math.abs(v - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  if (at >= 0) {
    assert.fail(
      `${label}: element ${at} is ${a[at]} but PyTorch gives ${expected.data[at]} (|diff| ${Math.abs(a[at]! - expected.data[at]!)}, rtol ${tol.rtol}, atol ${tol.atol})`,
    );
  }
}

/**
 * The common single-call check: build inputs (those with a grad in the fixture require grad),
 * run `fn`, compare `output`, back-propagate `grad_output` and compare every listed grad.
 */
export function checkCase(
  c: FixtureCase,
  dtype: FloatType,
  fn: (inputs: Record<string, tl.Tensor>) => tl.Tensor,
  tol: Tolerance = TOL[dtype],
): void {
  const ins: Record<string, tl.Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) {
    if (!k.startsWith("grad_")) ins[k] = fromFixture(v, dtype, c.grads !== undefined && k in c.grads);
  }
  const out = fn(ins);
  assertClose(out, c.outputs.output!, tol, `${c.name} [${dtype}] output`);
  if (!c.grads || Object.keys(c.grads).length === 0) return;
  out.backward(fromFixture(c.inputs.grad_output!, dtype));
  for (const [k, g] of Object.entries(c.grads)) assertClose(ins[k]!.grad, g, tol, `${c.name} [${dtype}] grad ${k}`);
}

/** One test per (backend, dtype, case) of a fixture family, each calling `run`. */
export function describeFixtureCases(family: string, run: (c: FixtureCase, dtype: FloatType) => void, dir = FIXTURE_DIR): void {
  const fixture = loadFixture(family, dir);
  for (const backend of BACKENDS) {
    describe(`${family} fixtures on ${backend}`, () => {
      for (const dtype of ["float64", "float32"] as FloatType[]) {
        for (const c of fixture.cases) {
          it(`${c.name} ${dtype}`, () => {
            tl.setBackend(backend);
            run(c, dtype);
          });
        }
      }
    });
  }
}

/** describeFixtureCases for the common single-call case: `call` maps PyTorch's call and args to tensorloom. */
export function describeFixtures(
  family: string,
  call: (c: FixtureCase, inputs: Record<string, tl.Tensor>) => tl.Tensor,
  dir = FIXTURE_DIR,
): void {
  describeFixtureCases(family, (c, dtype) => checkCase(c, dtype, (ins) => call(c, ins)), dir);
}

/**
 * A module case: parameters come from the fixture's inputs by state-dict name (loaded with
 * loadStateDict), the rest of the inputs are forward arguments. Compares `output`, then the
 * gradients of the forward inputs and of every parameter (by state-dict name).
 */
export function checkModuleCase(
  c: FixtureCase,
  dtype: FloatType,
  module: tl.nn.Module,
  forward: (inputs: Record<string, tl.Tensor>) => tl.Tensor,
  tol: Tolerance = TOL[dtype],
): void {
  module.to(dtype);
  const names = new Set(Object.keys(module.stateDict()));
  const sd: Record<string, tl.Tensor> = {};
  const ins: Record<string, tl.Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) {
    if (names.has(k)) sd[k] = fromFixture(v, dtype);
    else if (!k.startsWith("grad_")) ins[k] = fromFixture(v, dtype, c.grads !== undefined && k in c.grads);
  }
  module.loadStateDict(sd, { strict: false });
  const out = forward(ins);
  assertClose(out, c.outputs.output!, tol, `${c.name} [${dtype}] output`);
  if (!c.grads) return;
  out.backward(fromFixture(c.inputs.grad_output!, dtype));
  const params = Object.fromEntries(module.namedParameters());
  for (const [k, g] of Object.entries(c.grads)) assertClose(params[k]?.grad ?? ins[k]?.grad, g, tol, `${c.name} [${dtype}] grad ${k}`);
}
