// One backward per op: an op with a fused backward (recordFused) declares its gradient once as a
// composite of differentiable ops and adds a shortcut the engine runs when the backward is not
// recorded. This checks, for every recordFused call site in src/, that the shortcut and the rule
// give the same gradients, in float64 and float32, on the current backend; a new recordFused
// without a case here fails the coverage test.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as F from "../nn/functional.js";
import { relu } from "../ops/activation.js";
import { cumprod } from "../ops/scan.js";
import { randn, tensor } from "../tensor/create.js";
import { manualSeed } from "../tensor/random.js";
import { grad } from "./backward.js";
import { gradCheck } from "./gradCheck.js";
import { collectFusedCallSites, withBackwardShortcuts } from "./graph.js";
import { lstmCell, gruCell, lstmSequence, gruSequence } from "../ops/recurrent.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

interface Case {
  name: string;
  /** Inputs (leaves that require grad) and the op applied to them. */
  make(dtype: DType): { inputs: Tensor[]; forward: (...xs: Tensor[]) => Tensor };
}

const rnd = (shape: number[], dtype: DType, requiresGrad = true) => randn(shape, { dtype, requiresGrad });

const CASES: Case[] = [
  { name: "relu", make: (dt) => ({ inputs: [rnd([5, 7], dt)], forward: (x) => relu(x) }) },
  {
    name: "conv2d, bias, both gradients fused",
    make: (dt) => ({
      inputs: [rnd([2, 3, 7, 6], dt), rnd([4, 3, 3, 2], dt), rnd([4], dt)],
      forward: (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: 1 }),
    }),
  },
  {
    name: "conv1d, groups and dilation, no bias",
    make: (dt) => ({
      inputs: [rnd([3, 4, 11], dt), rnd([6, 2, 3], dt)],
      forward: (x, w) => F.conv1d(x, w, null, { groups: 2, dilation: 2 }),
    }),
  },
  {
    name: "conv3d, only the weight needs a gradient",
    make: (dt) => {
      const x = rnd([2, 2, 4, 4, 3], dt, false);
      return { inputs: [rnd([3, 2, 2, 2, 2], dt)], forward: (w) => F.conv3d(x, w) };
    },
  },
  {
    name: "maxPool2d",
    make: (dt) => ({ inputs: [rnd([2, 3, 6, 5], dt)], forward: (x) => F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }) }),
  },
  {
    name: "maxPool1d, dilation",
    make: (dt) => ({ inputs: [rnd([2, 3, 9], dt)], forward: (x) => F.maxPool1d(x, { kernelSize: 2, dilation: 2 }) }),
  },
  { name: "lstmCell", make: (dt) => ({ inputs: [rnd([3, 4 * 5], dt), rnd([3, 5], dt)], forward: (g, c) => lstmCell(g, c) }) },
  {
    name: "gruCell",
    make: (dt) => ({ inputs: [rnd([3, 15], dt), rnd([3, 15], dt), rnd([3, 5], dt)], forward: (xg, hg, h) => gruCell(xg, hg, h) }),
  },
  {
    name: "lstmSequence, reverse",
    make: (dt) => ({
      inputs: [rnd([4, 2, 12], dt), rnd([2, 3], dt), rnd([2, 3], dt), rnd([12, 3], dt)],
      forward: (xg, h, c, w) => lstmSequence(xg, h, c, w, true),
    }),
  },
  {
    name: "gruSequence with bias_hh",
    make: (dt) => ({
      inputs: [rnd([4, 2, 9], dt), rnd([2, 3], dt), rnd([9, 3], dt), rnd([9], dt)],
      forward: (xg, h, w, b) => gruSequence(xg, h, w, b),
    }),
  },
  {
    name: "gruSequence without bias_hh",
    make: (dt) => ({ inputs: [rnd([3, 2, 9], dt), rnd([2, 3], dt), rnd([9, 3], dt)], forward: (xg, h, w) => gruSequence(xg, h, w, null) }),
  },
  {
    name: "cumprod through zeros",
    make: (dt) => ({
      inputs: [
        tensor(
          [
            [1.5, 0, 2, -0.5, 0, 3],
            [0.5, 2, -1, 0, 1.25, 2],
          ],
          { dtype: dt, requiresGrad: true },
        ),
      ],
      forward: (x) => cumprod(x, 1),
    }),
  },
];

function gradients(c: Case, dtype: DType, shortcuts: boolean): { out: number[]; grads: number[][] } {
  manualSeed(7);
  const { inputs, forward } = c.make(dtype);
  const out = forward(...inputs);
  manualSeed(8);
  const gOut = randn(out.shape, { dtype });
  const grads = withBackwardShortcuts(shortcuts, () => grad(out, inputs, gOut));
  return { out: Array.from(out.data), grads: grads.map((g) => Array.from(g!.data)) };
}

function close(a: number[], b: number[], tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1, Math.abs(a[i]!), Math.abs(b[i]!));
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol * scale, `${what}[${i}]: shortcut ${a[i]} vs rule ${b[i]}`);
  }
}

for (const c of CASES) {
  for (const dtype of ["float64", "float32"] as const) {
    test(`backward shortcut equals the op's rule: ${c.name} (${dtype})`, () => {
      const fused = gradients(c, dtype, true),
        composite = gradients(c, dtype, false);
      assert.deepEqual(fused.out, composite.out);
      const tol = dtype === "float64" ? 1e-12 : 2e-5;
      fused.grads.forEach((g, i) => close(g, composite.grads[i]!, tol, `${c.name} input ${i}`));
      // the rule is the definition: it must also agree with finite differences (float64)
      if (dtype === "float64") {
        manualSeed(7);
        const { inputs, forward } = c.make("float64");
        assert.ok(gradCheck(forward, inputs));
      }
    });
  }
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

test("every recordFused call site in src/ is exercised by a case above", () => {
  const declared = new Set<string>();
  for (const file of sourceFiles("src")) {
    if (file.endsWith(join("autograd", "graph.ts"))) continue;
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (/\brecordFused\(/.test(line)) declared.add(`${file.split(/[\\/]/).slice(-2).join("/")}:${i + 1}`);
      });
  }
  assert.ok(declared.size >= 8, `expected the fused ops' call sites, found ${[...declared].join(", ")}`);
  const sites = new Set<string>();
  collectFusedCallSites(sites);
  try {
    for (const c of CASES) gradients(c, "float32", true);
  } finally {
    collectFusedCallSites(null);
  }
  const seen = new Set(
    [...sites]
      .map((s) => /([\w.-]+[\\/][\w.-]+\.ts):(\d+)/.exec(s))
      .filter((m) => m !== null)
      .map((m) => `${m[1]!.replace("\\", "/")}:${m[2]}`),
  );
  const missing = [...declared].filter((d) => !seen.has(d));
  assert.deepEqual(
    missing,
    [],
    `recordFused call sites with no case in shortcuts.test.ts (add one): ${missing.join(", ")}; seen ${[...seen].join(", ")}`,
  );
});
