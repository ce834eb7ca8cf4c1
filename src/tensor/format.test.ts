// Printing against PyTorch: String(tensor) must equal repr() in test/fixtures/printing.json
// (made by scripts/fixtures/make_core_refs.py) character for character, after mapping
// torch's dtype names to tensorloom's.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";
import { LOCAL_FIXTURE_DIR, loadFixture } from "../../test/support/fixtures.js";

interface PrintCase {
  name: string;
  args: { requires_grad: boolean; grad_fn: "mul2" | null };
  inputs: { input: { shape: number[]; dtype: string; data: (number | boolean | "nan" | "inf" | "-inf")[] } };
  outputs: { repr: string };
}

const cases = loadFixture("printing", LOCAL_FIXTURE_DIR).cases as unknown as PrintCase[];

const decode = (v: number | boolean | string): number | boolean =>
  v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number | boolean);

const SUFFIX = /(?:, |,\n *)(size=\([^)]*\)|dtype=torch\.\w+|requires_grad=True|grad_fn=<\w+>)$/;

/**
 * torch's repr with tensorloom's names. The mapping:
 *   dtype=torch.float64 -> dtype=float64, dtype=torch.int32 -> dtype=int32, dtype=torch.bool -> dtype=bool
 *   (the fixture's integer tensors are torch.int32, which torch labels as tensorloom labels its int32).
 * The renamed suffixes are shorter, so they are laid out again with torch's own rule
 * (_add_suffixes in torch/_tensor_str.py): a suffix goes on a new line, indented by len("tensor("),
 * when the last line's length + 2 (torch counts from rfind("\n") + 1, so 2 more than the
 * visible length) + len(suffix) + 2 would pass 80.
 */
function tensorloomRepr(torchRepr: string): string {
  let s = torchRepr.slice(0, -1); // the closing ")"
  const suffixes: string[] = [];
  for (let m = SUFFIX.exec(s); m; m = SUFFIX.exec(s)) {
    suffixes.unshift(m[1]!.replace(/^dtype=torch\./, "dtype="));
    s = s.slice(0, m.index);
  }
  const indent = "tensor(".length;
  let lastLineLen = s.length - s.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > 80) {
      s += ",\n" + " ".repeat(indent) + suffix;
      lastLineLen = indent + suffix.length;
    } else {
      s += ", " + suffix;
      lastLineLen += suffix.length + 2;
    }
  }
  return s + ")";
}

/** grad_fn names may differ between the libraries: compare up to the name. */
const hideGradFn = (s: string): string => s.replace(/grad_fn=<\w+>/, "grad_fn=<...>");

describe("printing matches PyTorch's repr (printing.json)", () => {
  for (const c of cases) {
    it(c.name, () => {
      const { shape, dtype, data } = c.inputs.input;
      let t = tl.tensor(data.map(decode), { shape, dtype: dtype as tl.DType, requiresGrad: c.args.requires_grad });
      if (c.args.grad_fn === "mul2") t = t.mul(2);
      const expected = tensorloomRepr(c.outputs.repr);
      assert.equal(hideGradFn(String(t)), hideGradFn(expected), `${c.name}: torch printed\n${c.outputs.repr}`);
    });
  }

  it("the name mapping re-lays out suffixes as torch would", () => {
    assert.equal(tensorloomRepr("tensor([1., 2.], dtype=torch.float64)"), "tensor([1., 2.], dtype=float64)");
    assert.equal(tensorloomRepr("tensor([], size=(0, 3), dtype=torch.bool)"), "tensor([], size=(0, 3), dtype=bool)");
  });
});
