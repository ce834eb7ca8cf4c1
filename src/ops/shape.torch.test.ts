// Layout ops against PyTorch (test/fixtures/shape_ops.json, made by
// scripts/fixtures/make_core_refs.py): reshape, permute, transpose, expand, flip, narrow,
// strided slices, cat, stack, split, gather, scatterAdd, indexSelect, indexAdd and pad in every
// mode, forward and gradients, on every backend in float64 and float32.

import { describe, it } from "node:test";
import * as tl from "../index.js";
import {
  BACKENDS,
  type FixtureCase,
  type FloatType,
  LOCAL_FIXTURE_DIR,
  TOL,
  assertClose,
  checkCase,
  fromFixture,
  loadFixture,
} from "../../test/support/fixtures.js";

/** cat/stack take a list, stored as inputs tensors0, tensors1, ... */
const listed = (ins: Record<string, tl.Tensor>): tl.Tensor[] =>
  Object.keys(ins)
    .filter((k) => /^tensors\d+$/.test(k))
    .sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)))
    .map((k) => ins[k]!);

function shapeOp(c: FixtureCase, ins: Record<string, tl.Tensor>): tl.Tensor {
  const a = c.args;
  const x = ins.input!;
  switch (c.call) {
    case "torch.reshape":
      return x.reshape(a.shape as number[]);
    case "torch.permute":
      return x.permute(a.dims as number[]);
    case "torch.transpose":
      return x.transpose(a.dim0 as number, a.dim1 as number);
    case "torch.Tensor.expand":
      return x.expand(a.size as number[]);
    case "torch.flip":
      return x.flip(a.dims as number[]);
    case "torch.narrow":
      return x.narrow(a.dim as number, a.start as number, a.length as number);
    case "torch.Tensor.__getitem__": {
      // x[..., start:stop:step] on one dim; null means omitted
      const s = (v: unknown, d: number): number => (v === null ? d : (v as number));
      return x.slice(a.dim as number, s(a.start, 0), s(a.stop, Infinity), s(a.step, 1));
    }
    case "torch.cat":
      return tl.cat(listed(ins), a.dim as number);
    case "torch.stack":
      return tl.stack(listed(ins), a.dim as number);
    case "torch.gather":
      return x.gather(a.dim as number, ins.index!);
    case "torch.scatter_add":
      return x.scatterAdd(a.dim as number, ins.index!, ins.src!);
    case "torch.index_select":
      return x.indexSelect(a.dim as number, ins.index!);
    case "torch.index_add":
      if (a.alpha !== 1) throw new Error(`${c.name}: indexAdd has no alpha`);
      return x.indexAdd(a.dim as number, ins.index!, ins.source!);
    case "torch.nn.functional.pad":
      return x.pad(a.pad as number[], a.mode as tl.PadMode, (a.value as number | null) ?? 0);
    default:
      throw new Error(`no mapping for ${c.call}`);
  }
}

/** split: pieces output0, output1, ..., each back-propagated with its grad_output<i>; the input's grad sums them. */
function checkSplit(c: FixtureCase, dtype: FloatType): void {
  const x = fromFixture(c.inputs.input!, dtype, true);
  const a = c.args as { split_size_or_sections: number | number[]; dim: number };
  const pieces = x.split(a.split_size_or_sections, a.dim);
  const names = Object.keys(c.outputs);
  if (pieces.length !== names.length) throw new Error(`${c.name}: ${pieces.length} pieces, PyTorch gives ${names.length}`);
  pieces.forEach((p, i) => {
    assertClose(p, c.outputs[`output${i}`]!, TOL[dtype], `${c.name} [${dtype}] output${i}`);
    p.backward(fromFixture(c.inputs[`grad_output${i}`]!, dtype));
  });
  assertClose(x.grad, c.grads!.input!, TOL[dtype], `${c.name} [${dtype}] grad input`);
}

const fixture = loadFixture("shape_ops", LOCAL_FIXTURE_DIR);

for (const backend of BACKENDS) {
  describe(`shape_ops fixtures on ${backend}`, () => {
    for (const dtype of ["float64", "float32"] as FloatType[]) {
      for (const c of fixture.cases) {
        it(`${c.name} ${dtype}`, () => {
          tl.setBackend(backend);
          // split has several outputs; every other op one, for the shared checker
          if (c.call === "torch.split") checkSplit(c, dtype);
          else checkCase(c, dtype, (ins) => shapeOp(c, ins));
        });
      }
    }
  });
}
