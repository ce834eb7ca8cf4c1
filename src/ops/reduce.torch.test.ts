// Reductions against PyTorch (test/fixtures/reductions.json, made by
// scripts/fixtures/make_core_refs.py): forward values, max/min indices and every gradient, on
// every backend, in float64 and float32.

import * as tl from "../index.js";
import { type FixtureCase, LOCAL_FIXTURE_DIR, assertClose, describeFixtures } from "../../test/support/fixtures.js";

interface ReduceArgs {
  dim: number | number[] | null;
  keepdim: boolean;
  correction?: number;
  p?: number | "inf" | "fro";
}

/** The fixture's torch call as a tensorloom call; max/min with a dim also check their indices. */
function reduce(c: FixtureCase, x: tl.Tensor): tl.Tensor {
  const a = c.args as unknown as ReduceArgs;
  const dim = a.dim ?? undefined;
  const one = (): number => {
    if (typeof dim !== "number") throw new Error(`${c.name}: ${c.call} takes a single dim, got ${JSON.stringify(a.dim)}`);
    return dim;
  };
  switch (c.call) {
    case "torch.sum":
      return tl.sum(x, dim, a.keepdim);
    case "torch.mean":
      return x.mean(dim, a.keepdim);
    case "torch.prod":
      return x.prod(dim === undefined ? undefined : one(), a.keepdim);
    case "torch.amax":
      return x.amax(dim, a.keepdim);
    case "torch.amin":
      return x.amin(dim, a.keepdim);
    case "torch.max":
    case "torch.min": {
      const op = c.call === "torch.max" ? "max" : "min";
      if (dim === undefined) return x[op]();
      const [values, indices] = x[op](one(), a.keepdim);
      assertClose(indices, c.outputs.indices!, { rtol: 0, atol: 0 }, `${c.name} indices`);
      return values;
    }
    case "torch.argmax":
      return x.argmax(dim === undefined ? undefined : one(), a.keepdim);
    case "torch.argmin":
      return x.argmin(dim === undefined ? undefined : one(), a.keepdim);
    case "torch.var":
      return x.var(dim, { correction: a.correction, keepdim: a.keepdim });
    case "torch.std":
      return x.std(dim, { correction: a.correction, keepdim: a.keepdim });
    case "torch.logsumexp":
      return x.logsumexp(dim, a.keepdim);
    case "torch.norm":
      return x.norm(a.p === "inf" ? Infinity : a.p, dim, a.keepdim);
    default:
      throw new Error(`no mapping for ${c.call}`);
  }
}

describeFixtures("reductions", (c, ins) => reduce(c, ins.input!), LOCAL_FIXTURE_DIR);
