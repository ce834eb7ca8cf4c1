// Edge-case probes against PyTorch 1.13 (scripts/fixtures/make_edge_probes.py, data in
// test/fixtures/edge_probes.json.gz): zero-size dims, 0-d tensors, int32 and bool tensors, type
// promotion with JS scalars, broadcasting with 1 and 0, non-contiguous views into kernels, NaN and
// infinities, and calls PyTorch refuses. Each case is a PyTorch expression and its tensorloom
// spelling over the same inputs; the test runs the spelling on the current backend and compares
// the dtype, shape and values of every output (integers and bools exactly, floats within a few
// ulp of the dtype), then d sum(out * w) / d input for the float inputs the case lists. A case
// PyTorch refused must throw a TensorloomError whose message starts with an op name.
// TENSORLOOM_EDGE_AREA=<area> runs one area; TENSORLOOM_EDGE_REPORT=1 prints every failure.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import * as tl from "../../src/index.js";
import { BACKENDS, LOCAL_FIXTURE_DIR } from "../support/fixtures.js";

type Num = number | string | boolean;
interface EdgeTensor {
  shape: number[];
  dtype: "float32" | "float64" | "int32" | "bool";
  data: Num[];
}
type EdgeValue = EdgeTensor | { list: EdgeValue[] } | { number: Num } | { bool: boolean };
interface EdgeCase {
  id: string;
  area: string;
  py: string;
  ts: string;
  inputs: Record<string, EdgeTensor>;
  error?: string;
  /** PyTorch's Python binding refused the arguments (a number for a tensor): tensorloom may accept them. */
  binding?: boolean;
  out?: EdgeValue;
  weights?: (EdgeTensor | null)[];
  grads?: Record<string, EdgeTensor>;
  grad_error?: string;
}

/**
 * Cases that fail today, each with the reason and the backend configurations where it fails (all
 * when absent); a listed case that passes fails the test, so the list empties as fixes land.
 */
const TIES = "topk among tied values: PyTorch's order comes from std::partial_sort / nth_element (unspecified by its docs)";
const CLAMP_NAN = "clamp with a NaN bound is refused (PyTorch: NaN everywhere with both bounds, x unchanged with one)";
const KNOWN: Record<string, { reason: string; backends?: string[] }> = {
  "bool-3582": { reason: TIES },
  "int-3544": { reason: TIES },
  "error-5472": { reason: "indexSelect of a 0-d tensor with 2 indices is refused: PyTorch returns a 0-d tensor and its backward raises" },
  "nan-3138": { reason: CLAMP_NAN },
  "nan-3139": { reason: CLAMP_NAN },
  "nan-3361": { reason: CLAMP_NAN },
  "nan-3362": { reason: CLAMP_NAN },
  "nnops-5633": { reason: "conv1d with 0 input channels is refused (PyTorch: zeros)" },
  "nnops-5651": { reason: "adaptiveAvgPool2d to an output size of 0 is refused (PyTorch: an empty tensor)" },
  "nnops-5654": {
    reason: "layerNorm over one element: PyTorch's fused x * rstd - mean * rstd leaves rounding noise (-5.9e-6) where x - mean is 0",
  },
};

const data = JSON.parse(gunzipSync(readFileSync(resolve(LOCAL_FIXTURE_DIR, "edge_probes.json.gz"))).toString("utf8")) as {
  cases: EdgeCase[];
};
const only = process.env.TENSORLOOM_EDGE_AREA;
const cases = data.cases.filter((c) => !only || c.area === only);

const decode = (v: Num): number =>
  typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity;

function build(t: EdgeTensor, requiresGrad: boolean): tl.Tensor {
  const values = t.dtype === "bool" ? t.data.map((v) => v === true) : t.data.map(decode);
  return tl.tensor(values, { shape: t.shape, dtype: t.dtype, requiresGrad });
}

/** |got - want| within a few ulp of the dtype (sums may add in another order); NaN matches NaN. */
function close(got: number, want: number, dtype: string): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  if (dtype === "int32" || dtype === "bool") return got === want;
  const [rtol, atol] = dtype === "float32" ? [4e-6, 1e-6] : [1e-12, 1e-13];
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}

function compareTensor(got: unknown, want: EdgeTensor, label: string): string | null {
  if (!(got instanceof tl.Tensor)) return `${label}: expected a tensor, got ${typeof got}`;
  if (got.dtype !== want.dtype) return `${label}: dtype ${got.dtype}, PyTorch ${want.dtype}`;
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) return `${label}: shape [${got.shape}], PyTorch [${want.shape}]`;
  const g = got.storage;
  for (let i = 0; i < want.data.length; i++) {
    const w = decode(want.data[i]!);
    if (!close(Number(g[i]), w, want.dtype)) return `${label}: element ${i} is ${g[i]}, PyTorch ${w}`;
  }
  return null;
}

function compare(got: unknown, want: EdgeValue, label: string): string | null {
  if ("list" in want) {
    const arr = Array.isArray(got) ? got : null;
    if (!arr) return `${label}: expected a list of ${want.list.length}`;
    if (arr.length !== want.list.length) return `${label}: ${arr.length} results, PyTorch ${want.list.length}`;
    for (let i = 0; i < arr.length; i++) {
      const r = compare(arr[i], want.list[i]!, `${label}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if ("number" in want) {
    const g = got instanceof tl.Tensor && got.numel() === 1 ? got.item() : got;
    return typeof g === "number" && close(g, decode(want.number), "float64") ? null : `${label}: ${String(g)}, PyTorch ${want.number}`;
  }
  if ("bool" in want) return got === want.bool ? null : `${label}: ${String(got)}, PyTorch ${want.bool}`;
  return compareTensor(got, want, label);
}

const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Runs one case on the current backend: null when it agrees with PyTorch, else what differs. */
function judge(c: EdgeCase): string | null {
  const gradNames = c.grads ? Object.keys(c.grads) : [];
  const ins: Record<string, tl.Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) ins[k] = build(v, gradNames.includes(k));
  const names = Object.keys(ins);
  const fn = new Function("tl", ...names, `return (${c.ts});`) as (...a: unknown[]) => unknown;
  let out: unknown;
  try {
    out = fn(tl, ...names.map((k) => ins[k]));
  } catch (e) {
    if (c.error === undefined) return `threw ${String(e)}; PyTorch gives a result`;
    if (!(e instanceof tl.TensorloomError)) return `threw ${String(e)} (not a TensorloomError); PyTorch: ${c.error}`;
    if (!/^[A-Za-z_.]+[\w.]*[:( ]/.test(e.message)) return `error does not start with the op's name: ${e.message}`;
    return null;
  }
  if (c.error !== undefined) return c.binding ? null : `returned a result; PyTorch raised ${c.error}`;
  const r = compare(out, c.out!, "output");
  if (r || !c.grads || !c.weights) return r;
  const outs = flat(out);
  let loss: tl.Tensor | null = null;
  c.weights.forEach((w, i) => {
    if (!w) return;
    const o = outs[i] as tl.Tensor;
    if (!o.requiresGrad) return;
    const term = tl.sum(tl.mul(o, build(w, false)));
    loss = loss ? tl.add(loss, term) : term;
  });
  if (!loss) return `no output requires grad; PyTorch gives gradients`;
  try {
    (loss as tl.Tensor).backward();
  } catch (e) {
    return `backward threw ${String(e)}`;
  }
  for (const [k, g] of Object.entries(c.grads)) {
    const got = ins[k]!.grad ?? tl.zerosLike(ins[k]!);
    const r2 = compareTensor(got, g, `grad ${k}`);
    if (r2) return r2;
  }
  return null;
}

function configName(): string {
  const b = tl.getBackend();
  return b === "wasm" && process.env.TENSORLOOM_WASM_FMA === "0" ? "wasm-nofma" : b;
}

const byArea = new Map<string, EdgeCase[]>();
for (const c of cases) byArea.set(c.area, [...(byArea.get(c.area) ?? []), c]);

for (const backend of BACKENDS) {
  describe(`edge probes vs PyTorch on ${backend}`, () => {
    for (const [area, list] of byArea) {
      it(`${area} (${list.length} cases)`, () => {
        tl.setBackend(backend);
        const failures: string[] = [];
        const fixed: string[] = [];
        for (const c of list) {
          let why: string | null;
          try {
            why = judge(c);
          } catch (e) {
            why = `the harness threw ${String(e)}`;
          }
          const k = KNOWN[c.id];
          const known = k !== undefined && (!k.backends || k.backends.includes(configName()));
          if (why && !known) failures.push(`${c.id} ${c.ts}  [torch: ${c.py}]: ${why}`);
          if (!why && known) fixed.push(c.id);
        }
        if (process.env.TENSORLOOM_EDGE_REPORT) for (const f of failures) console.log(`${configName()} ${f}`);
        assert.deepEqual(fixed, [], "known failures that pass now: remove them from KNOWN");
        assert.equal(
          failures.length,
          0,
          `${failures.length} of ${list.length} cases differ from PyTorch:\n${failures.slice(0, 8).join("\n")}`,
        );
      });
    }
  });
}
