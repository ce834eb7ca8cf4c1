// The runner shared by the stateful probe files against PyTorch 1.13 (test/differential/
// modules.test.ts, autograd.test.ts): each case is a short program in both languages over the
// same inputs (scripts/fixtures/make_*_probes.py write them, gzipped JSON under test/fixtures/);
// the tensorloom program runs on each backend and every value it returns is compared (integers
// and bools exactly, floats within a few ulp of the dtype). Where PyTorch raised, tensorloom must
// throw a TensorloomError whose message starts with an op name. `${env}_AREA=<area>` runs one
// area, `${env}_REPORT=1` prints every failure.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import * as tl from "../../src/index.js";
import { BACKENDS, LOCAL_FIXTURE_DIR } from "./fixtures.js";

type Num = number | string | boolean;
interface ProbeTensor {
  shape: number[];
  dtype: "float32" | "float64" | "int32" | "bool";
  data: Num[];
}
type ProbeValue = ProbeTensor | { list: ProbeValue[] } | { number: Num } | { bool: boolean } | { null: true };
interface ProbeCase {
  id: string;
  area: string;
  py: string;
  ts: string;
  inputs: Record<string, ProbeTensor>;
  error?: string;
  out?: ProbeValue;
}

const decode = (v: Num): number =>
  typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity;

function build(t: ProbeTensor): tl.Tensor {
  const values = t.dtype === "bool" ? t.data.map((v) => v === true) : t.data.map(decode);
  return tl.tensor(values, { shape: t.shape, dtype: t.dtype });
}

/** |got - want| within a few ulp of the dtype, loosened for sequences (an optimizer's fifth step, an RNN's last); NaN matches NaN. */
function close(got: number, want: number, dtype: string): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  if (dtype === "int32" || dtype === "bool") return got === want;
  const [rtol, atol] = dtype === "float32" ? [2e-5, 2e-6] : [1e-10, 1e-12];
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}

function compareTensor(got: unknown, want: ProbeTensor, label: string): string | null {
  if (!(got instanceof tl.Tensor)) return `${label}: expected a tensor, got ${got === null ? "null" : typeof got}`;
  if (got.dtype !== want.dtype) return `${label}: dtype ${got.dtype}, PyTorch ${want.dtype}`;
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) return `${label}: shape [${got.shape}], PyTorch [${want.shape}]`;
  const g = got.storage;
  for (let i = 0; i < want.data.length; i++) {
    const w = decode(want.data[i]!);
    if (!close(Number(g[i]), w, want.dtype)) return `${label}: element ${i} is ${g[i]}, PyTorch ${w}`;
  }
  return null;
}

function compare(got: unknown, want: ProbeValue, label: string): string | null {
  if ("null" in want) return got === null || got === undefined ? null : `${label}: ${String(got)}, PyTorch None`;
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

/** Runs one case on the current backend: null when it agrees with PyTorch, else what differs. */
function judge(c: ProbeCase): string | null {
  const names = Object.keys(c.inputs);
  const ins = names.map((k) => build(c.inputs[k]!));
  const fn = new Function("tl", ...names, c.ts) as (...a: unknown[]) => unknown;
  let out: unknown;
  try {
    out = fn(tl, ...ins);
  } catch (e) {
    if (c.error === undefined) return `threw ${String(e)}; PyTorch gives a result`;
    if (!(e instanceof tl.TensorloomError)) return `threw ${String(e)} (not a TensorloomError); PyTorch: ${c.error}`;
    if (!/^[A-Za-z_.]+[\w.]*[:( ]/.test(e.message)) return `error does not start with the op's name: ${e.message}`;
    return null;
  }
  if (c.error !== undefined) return `returned a result; PyTorch raised ${c.error}`;
  return compare(out, c.out!, "out");
}

function configName(): string {
  const b = tl.getBackend();
  return b === "wasm" && process.env.TENSORLOOM_WASM_FMA === "0" ? "wasm-nofma" : b;
}

/**
 * One test per area and backend over the cases of `file`. `known` maps a case id to why it
 * differs; a listed case that passes fails the test, so the list empties as fixes land.
 */
export function runProbes(title: string, file: string, env: string, known: Record<string, string>): void {
  const data = JSON.parse(gunzipSync(readFileSync(resolve(LOCAL_FIXTURE_DIR, file))).toString("utf8")) as { cases: ProbeCase[] };
  const only = process.env[`${env}_AREA`];
  const cases = data.cases.filter((c) => !only || c.area === only);
  const byArea = new Map<string, ProbeCase[]>();
  for (const c of cases) byArea.set(c.area, [...(byArea.get(c.area) ?? []), c]);

  for (const backend of BACKENDS) {
    describe(`${title} vs PyTorch on ${backend}`, () => {
      for (const [area, list] of byArea) {
        it(`${area} (${list.length} cases)`, () => {
          tl.setBackend(backend);
          const failures: string[] = [];
          const fixed: string[] = [];
          for (const c of list) {
            let why: string | null;
            tl.manualSeed(0);
            try {
              why = judge(c);
            } catch (e) {
              why = `the harness threw ${String(e)}`;
            }
            const listed = known[c.id] !== undefined;
            if (why && !listed) failures.push(`${c.id}: ${why}\n  ts: ${c.ts.replace(/\n/g, " ")}`);
            if (!why && listed) fixed.push(c.id);
          }
          if (process.env[`${env}_REPORT`]) for (const f of failures) console.log(`${configName()} ${f}`);
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
}
