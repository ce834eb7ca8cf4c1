// Where PyTorch 1.13 accepts and refuses padding and pooling, on randomized configurations around
// each rule (test/fixtures/rules_{pad,pool}.json, made by scripts/fixtures/make_rule_refs.py):
// every accepted case must give PyTorch's output and input gradient, every refused one a library
// error naming the op. Runs on the backend the runner selects, in float64.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tl from "../index.js";

/** data is left out for the input of a refused call. */
interface Enc {
  shape: number[];
  data?: (number | "nan" | "inf" | "-inf")[];
}
interface RuleCase {
  x: Enc;
  w?: Enc;
  out?: Enc;
  grad?: Enc | null;
  error?: string;
  // pad
  mode?: tl.PadMode;
  amounts?: number[];
  // pool
  kind?: string;
  nd?: number;
  outputSize?: number[];
  kernelSize?: number[];
  stride?: number[];
  padding?: number[];
  dilation?: number[];
  ceilMode?: boolean;
  countIncludePad?: boolean;
  // reductions
  call?: string;
  dim?: number[] | null;
  unbiased?: boolean;
  const?: boolean;
  keepdim?: boolean;
}

const load = (name: string): RuleCase[] =>
  (JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}.json`, import.meta.url), "utf8")) as { cases: RuleCase[] }).cases;

const F = tl.nn.functional;
const num = (v: number | string): number => (typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity);
const of = (e: Enc): tl.Tensor =>
  e.data ? tl.tensor(Float64Array.from(e.data, num), { shape: e.shape }) : tl.zeros(e.shape, { dtype: "float64" });

function describeCase(c: RuleCase): string {
  if (c.call)
    return `${c.call}(${JSON.stringify(c.x.shape)}${c.const ? " constant" : ""}, dim ${JSON.stringify(c.dim)}${c.unbiased === false ? ", unbiased false" : ""}${c.keepdim ? ", keepdim" : ""})`;
  if (c.mode) return `pad ${c.mode} ${JSON.stringify(c.amounts)} on ${JSON.stringify(c.x.shape)}`;
  const o = c.outputSize
    ? `outputSize ${JSON.stringify(c.outputSize)}`
    : `k ${JSON.stringify(c.kernelSize)} s ${JSON.stringify(c.stride)} p ${JSON.stringify(c.padding)}${c.dilation ? ` d ${JSON.stringify(c.dilation)}` : ""}${c.ceilMode ? " ceil" : ""}${c.countIncludePad === false ? " excludePad" : ""}`;
  return `${c.kind}Pool${c.nd}d ${o} on ${JSON.stringify(c.x.shape)}`;
}

function call(c: RuleCase, x: tl.Tensor): tl.Tensor {
  if (c.call) {
    const dim = c.dim ?? undefined,
      keepdim = c.keepdim ?? false;
    const input = c.const ? tl.add(tl.mul(x, 0), 1.5) : x;
    switch (c.call) {
      case "var":
        return tl.var(input, dim, { unbiased: c.unbiased, keepdim });
      case "std":
        return tl.std(input, dim, { unbiased: c.unbiased, keepdim });
      case "sum":
        return tl.sum(input, dim, keepdim);
      case "mean":
        return tl.mean(input, dim, keepdim);
      case "amax":
        return tl.amax(input, dim, keepdim);
      case "amin":
        return tl.amin(input, dim, keepdim);
      case "norm":
        return tl.norm(input, 2, dim, keepdim);
      case "logsumexp":
        return tl.logsumexp(input, dim, keepdim);
      default:
        throw new Error(`unknown call ${c.call}`);
    }
  }
  if (c.mode) return tl.pad(x, c.amounts!, c.mode);
  const nd = c.nd as 1 | 2 | 3;
  switch (c.kind) {
    case "avg":
      return [F.avgPool1d, F.avgPool2d, F.avgPool3d][nd - 1]!(x, {
        kernelSize: c.kernelSize!,
        stride: c.stride!,
        padding: c.padding!,
        ceilMode: c.ceilMode!,
        countIncludePad: c.countIncludePad!,
      });
    case "max":
      return [F.maxPool1d, F.maxPool2d, F.maxPool3d][nd - 1]!(x, {
        kernelSize: c.kernelSize!,
        stride: c.stride!,
        padding: c.padding!,
        dilation: c.dilation!,
        ceilMode: c.ceilMode!,
      }) as tl.Tensor;
    case "adaptive_avg":
      return [F.adaptiveAvgPool1d, F.adaptiveAvgPool2d, F.adaptiveAvgPool3d][nd - 1]!(x, c.outputSize as never);
    case "adaptive_max":
      return [F.adaptiveMaxPool1d, F.adaptiveMaxPool2d, F.adaptiveMaxPool3d][nd - 1]!(x, c.outputSize as never) as tl.Tensor;
    default:
      throw new Error(`unknown kind ${c.kind}`);
  }
}

function near(actual: tl.Tensor, e: Enc, what: string): void {
  assert.deepEqual(actual.shape, e.shape, `${what}: shape`);
  const a = actual.storage;
  for (let i = 0; i < e.data!.length; i++) {
    const want = num(e.data![i]!),
      got = a[i]!;
    const ok = Number.isFinite(want)
      ? Math.abs(got - want) <= 1e-12 * (1 + Math.abs(want))
      : Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got));
    assert.ok(ok, `${what}: element ${i} is ${got}, PyTorch ${want}`);
  }
}

/** Every case checked; the failures listed together, so one run shows the whole picture. */
function checkAll(cases: RuleCase[], opName: (c: RuleCase) => RegExp): void {
  const failures: string[] = [];
  for (const c of cases) {
    try {
      check(c, opName(c));
    } catch (e) {
      failures.push((e as Error).message.split("\n")[0]!);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} of ${cases.length} differ from PyTorch:\n${failures.slice(0, 12).join("\n")}`);
}

function check(c: RuleCase, opName: RegExp): void {
  const label = describeCase(c);
  const x = of(c.x).requiresGrad_();
  if (c.error !== undefined) {
    assert.throws(
      () => call(c, x),
      (e: unknown) => {
        assert.ok(e instanceof tl.TensorloomError, `${label}: PyTorch refuses ("${c.error}"), expected a library error, got ${String(e)}`);
        assert.match(e.message, opName, `${label}: the message names the op`);
        return true;
      },
      `${label}: PyTorch refuses it ("${c.error}")`,
    );
    return;
  }
  let out: tl.Tensor;
  try {
    out = call(c, x);
  } catch (e) {
    assert.fail(`${label}: PyTorch accepts it, tensorloom threw ${String(e)}`);
  }
  near(out, c.out!, `${label} output`);
  if (out.numel() > 0) tl.sum(tl.mul(out, of(c.w!))).backward();
  // grad null: PyTorch's own gradient is wrong there (noted in the generator)
  if (c.grad !== null) near(x.grad ?? tl.zerosLike(x), c.grad!, `${label} gradient`);
}

describe("padding rules against PyTorch 1.13 (test/fixtures/rules_pad.json)", () => {
  const cases = load("rules_pad");
  for (const mode of ["constant", "reflect", "replicate", "circular"] as const) {
    const mine = cases.filter((c) => c.mode === mode);
    it(`${mode}: ${mine.length} configurations, ${mine.filter((c) => c.error).length} refused`, () => {
      checkAll(mine, () => /^pad: /);
    });
  }
});

describe("pooling rules against PyTorch 1.13 (test/fixtures/rules_pool.json)", () => {
  const cases = load("rules_pool");
  for (const kind of ["avg", "max", "adaptive_avg", "adaptive_max"]) {
    const mine = cases.filter((c) => c.kind === kind);
    const name = kind === "avg" ? "avgPool" : kind === "max" ? "maxPool" : kind === "adaptive_avg" ? "adaptiveAvgPool" : "adaptiveMaxPool";
    it(`${name}: ${mine.length} configurations, ${mine.filter((c) => c.error).length} refused`, () => {
      checkAll(mine, (c) => new RegExp(`^${name}${c.nd}d: `));
    });
  }
});

describe("reduction rules against PyTorch 1.13 (test/fixtures/rules_reduce.json)", () => {
  const cases = load("rules_reduce");
  const groups: [string, (c: RuleCase) => boolean][] = [
    [
      "var/std on 0-d input and on dims of size 0 or 1, constant or not",
      (c) => (c.call === "var" || c.call === "std") && c.dim?.length !== 0,
    ],
    ["dim=[] reduces every dim", (c) => c.dim?.length === 0],
    ["logsumexp over an empty dim is -inf", (c) => c.call === "logsumexp"],
  ];
  for (const [name, pick] of groups) {
    const mine = cases.filter(pick);
    it(`${name}: ${mine.length} cases`, () => {
      assert.ok(mine.length > 0);
      checkAll(mine, (c) => new RegExp(`^${c.call}: `));
    });
  }
});
