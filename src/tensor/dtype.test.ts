// Type promotion against PyTorch: tl.resultType and tl.promoteTypes on every pair in
// test/fixtures/promotion.json (torch.result_type / torch.promote_types, made by
// scripts/fixtures/make_core_refs.py).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";
import { LOCAL_FIXTURE_DIR, loadFixture } from "../../test/support/fixtures.js";

type OperandDesc =
  | { kind: "tensor"; dtype: tl.DType; shape: number[] }
  | { kind: "int" | "float"; value: number }
  | { kind: "bool"; value: boolean };

interface PromotionCase {
  name: string;
  call: "torch.result_type" | "torch.promote_types";
  args: { operands?: [OperandDesc, OperandDesc]; type1?: tl.DType; type2?: tl.DType };
  outputs: { result_type: string };
}

const cases = loadFixture("promotion", LOCAL_FIXTURE_DIR).cases as unknown as PromotionCase[];

/** tensorloom's int32 stands for both torch.int32 and torch.int64 (see the fixture's notes). */
const expectedDtype = (torch: string): string => (torch === "int64" ? "int32" : torch);

/** An operand as resultType takes it: a tensor by dtype and ndim, a scalar as the JS value. */
function operand(d: OperandDesc): tl.Tensor | number | boolean {
  if (d.kind !== "tensor") return d.value;
  return tl.zeros(d.shape, { dtype: d.dtype });
}

describe("type promotion matches PyTorch (promotion.json)", () => {
  it("covers every pair of the 11 operand kinds and the 16 dtype pairs", () => {
    assert.equal(cases.filter((c) => c.call === "torch.result_type").length, 121);
    assert.equal(cases.filter((c) => c.call === "torch.promote_types").length, 16);
  });

  for (const c of cases) {
    it(c.name, () => {
      const want = expectedDtype(c.outputs.result_type);
      if (c.call === "torch.promote_types") {
        assert.equal(tl.promoteTypes(c.args.type1!, c.args.type2!), want);
        return;
      }
      const [a, b] = c.args.operands!.map(operand) as [tl.Tensor | number | boolean, tl.Tensor | number | boolean];
      assert.equal(tl.resultType(a, b), want, `resultType(${JSON.stringify(c.args.operands)})`);
      // the binary ops use the same rule: add's output dtype is the result type (at least one tensor)
      if (a instanceof tl.Tensor || b instanceof tl.Tensor) {
        assert.equal(tl.add(a, b).dtype, want, `add(${JSON.stringify(c.args.operands)}).dtype`);
      }
    });
  }
});
