// The runner shared by the probe files against PyTorch 1.13 (test/differential/edges.test.ts,
// modules.test.ts, autograd.test.ts; scripts/fixtures/make_*_probes.py write their cases,
// gzipped JSON under test/fixtures/): each case runs on each backend and every value it returns
// is compared (integers and bools exactly, floats within the file's tolerance). Where PyTorch
// raised, tensorloom must throw a TensorloomError whose message starts with an op name.
// `${env}_AREA=<area>` runs one area, `${env}_REPORT=1` prints every failure.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import * as tl from "../../src/index.js";
import { BACKENDS, LOCAL_FIXTURE_DIR } from "./fixtures.js";

type Num = number | string | boolean;
export interface ProbeTensor {
  shape: number[];
  dtype: "float32" | "float64" | "int32" | "bool";
  data: Num[];
}
export type ProbeValue = ProbeTensor | { list: ProbeValue[] } | { number: Num } | { bool: boolean } | { null: true };
export interface ProbeCase {
  id: string;
  area: string;
  py: string;
  ts: string;
  inputs: Record<string, ProbeTensor>;
  error?: string;
  out?: ProbeValue;
}
/** [rtol, atol] per float dtype. */
export interface Tolerance {
  float32: [number, number];
  float64: [number, number];
}

export const decode = (v: Num): number =>
  typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity;

export function build(t: ProbeTensor, requiresGrad = false): tl.Tensor {
  const values = t.dtype === "bool" ? t.data.map((v) => v === true) : t.data.map(decode);
  return tl.tensor(values, { shape: t.shape, dtype: t.dtype, requiresGrad });
}

/** |got - want| within `tol` for floats, equal for ints and bools; NaN matches NaN. */
function close(got: number, want: number, dtype: string, tol: Tolerance): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  if (dtype === "int32" || dtype === "bool") return got === want;
  const [rtol, atol] = dtype === "float32" ? tol.float32 : tol.float64;
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}

export function compareTensor(got: unknown, want: ProbeTensor, label: string, tol: Tolerance): string | null {
  if (!(got instanceof tl.Tensor)) return `${label}: expected a tensor, got ${got === null ? "null" : typeof got}`;
  if (got.dtype !== want.dtype) return `${label}: dtype ${got.dtype}, PyTorch ${want.dtype}`;
  if (JSON.stringify(got.shape) !== JSON.stringify(want.shape)) return `${label}: shape [${got.shape}], PyTorch [${want.shape}]`;
  const g = got.storage;
  for (let i = 0; i < want.data.length; i++) {
    const w = decode(want.data[i]!);
    if (!close(Number(g[i]), w, want.dtype, tol)) return `${label}: element ${i} is ${g[i]}, PyTorch ${w}`;
  }
  return null;
}

export function compare(got: unknown, want: ProbeValue, label: string, tol: Tolerance): string | null {
  if ("null" in want) return got === null || got === undefined ? null : `${label}: ${String(got)}, PyTorch None`;
  if ("list" in want) {
    const arr = Array.isArray(got) ? got : null;
    if (!arr) return `${label}: expected a list of ${want.list.length}`;
    if (arr.length !== want.list.length) return `${label}: ${arr.length} results, PyTorch ${want.list.length}`;
    for (let i = 0; i < arr.length; i++) {
      const r = compare(arr[i], want.list[i]!, `${label}[${i}]`, tol);
      if (r) return r;
    }
    return null;
  }
  if ("number" in want) {
    const g = got instanceof tl.Tensor && got.numel() === 1 ? got.item() : got;
    return typeof g === "number" && close(g, decode(want.number), "float64", tol) ? null : `${label}: ${String(g)}, PyTorch ${want.number}`;
  }
  if ("bool" in want) return got === want.bool ? null : `${label}: ${String(got)}, PyTorch ${want.bool}`;
  return compareTensor(got, want, label, tol);
}

/** What is wrong with throwing `e` where PyTorch gave `c.error` (or a result): null when it is as PyTorch. */
export function judgeThrow(c: ProbeCase, e: unknown): string | null {
  if (c.error === undefined) return `threw ${String(e)}; PyTorch gives a result`;
  if (!(e instanceof tl.TensorloomError)) return `threw ${String(e)} (not a TensorloomError); PyTorch: ${c.error}`;
  if (!/^[A-Za-z_.]+[\w.]*[:( ]/.test(e.message)) return `error does not start with the op's name: ${e.message}`;
  return null;
}

/** The backend configuration this process runs (KNOWN entries may name one). */
export function configName(): string {
  const b = tl.getBackend();
  return b === "wasm" && process.env.TENSORLOOM_WASM_FMA === "0" ? "wasm-nofma" : b;
}

export interface ProbeRun<C extends ProbeCase> {
  /** Test titles: `${title} vs PyTorch on <backend>`. */
  title: string;
  /** The gzipped JSON under test/fixtures/ holding `{ cases }`. */
  file: string;
  /** Prefix of the _AREA and _REPORT environment variables. */
  env: string;
  /** Runs one case on the current backend: null when it agrees with PyTorch, else what differs. */
  judge: (c: C) => string | null;
  /** Whether the case is a listed difference here; a listed case that passes fails the test. */
  known: (c: C) => boolean;
  /** One failure's line in the report. */
  line: (c: C, why: string) => string;
  /** Reseed (0) before each case. */
  seed?: boolean;
}

/** One test per area and backend over the cases of `run.file`. */
export function runProbes<C extends ProbeCase>(run: ProbeRun<C>): void {
  const data = JSON.parse(gunzipSync(readFileSync(resolve(LOCAL_FIXTURE_DIR, run.file))).toString("utf8")) as { cases: C[] };
  const only = process.env[`${run.env}_AREA`];
  const byArea = new Map<string, C[]>();
  for (const c of data.cases) if (!only || c.area === only) byArea.set(c.area, [...(byArea.get(c.area) ?? []), c]);
  for (const backend of BACKENDS) {
    describe(`${run.title} vs PyTorch on ${backend}`, () => {
      for (const [area, list] of byArea) {
        it(`${area} (${list.length} cases)`, () => {
          tl.setBackend(backend);
          const failures: string[] = [];
          const fixed: string[] = [];
          for (const c of list) {
            let why: string | null;
            if (run.seed) tl.manualSeed(0);
            try {
              why = run.judge(c);
            } catch (e) {
              why = `the harness threw ${String(e)}`;
            }
            const listed = run.known(c);
            if (why && !listed) failures.push(run.line(c, why));
            if (!why && listed) fixed.push(c.id);
          }
          if (process.env[`${run.env}_REPORT`]) for (const f of failures) console.log(`${configName()} ${f}`);
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

/** Within a few ulp of the dtype, loosened for sequences (an optimizer's fifth step, an RNN's last). */
const PROGRAM_TOLERANCE: Tolerance = { float32: [2e-5, 2e-6], float64: [1e-10, 1e-12] };

/**
 * A program case (`ts`, a function body over the inputs by name) run on the current backend:
 * null when what it returns matches PyTorch's values within `tol`, or when both refused.
 */
export function judgeProgram(c: ProbeCase, tol: Tolerance): string | null {
  const names = Object.keys(c.inputs);
  const ins = names.map((k) => build(c.inputs[k]!));
  const fn = new Function("tl", ...names, c.ts) as (...a: unknown[]) => unknown;
  let out: unknown;
  try {
    out = fn(tl, ...ins);
  } catch (e) {
    return judgeThrow(c, e);
  }
  if (c.error !== undefined) return `returned a result; PyTorch raised ${c.error}`;
  return compare(out, c.out!, "out", tol);
}

/** Why a case differs, in every configuration or only in the ones listed. */
export type KnownEntry = string | { why: string; configs: readonly string[] };

/**
 * Probes whose case is a short program (`ts`, a function body over the inputs by name) returning
 * the values to compare; `known` maps a case id to why it differs.
 */
export function runProgramProbes(title: string, file: string, env: string, known: Record<string, KnownEntry>): void {
  runProbes<ProbeCase>({
    title,
    file,
    env,
    seed: true,
    known: (c) => {
      const k = known[c.id];
      return k !== undefined && (typeof k === "string" || k.configs.includes(configName()));
    },
    line: (c, why) => `${c.id}: ${why}\n  ts: ${c.ts.replace(/\n/g, " ")}`,
    judge: (c) => judgeProgram(c, PROGRAM_TOLERANCE),
  });
}
