// Edge-case probes against PyTorch 1.13 (scripts/fixtures/make_edge_probes.py, data in
// test/fixtures/edge_probes.json.gz): zero-size dims, 0-d tensors, int32 and bool tensors, type
// promotion with JS scalars, broadcasting with 1 and 0, non-contiguous views into kernels, NaN and
// infinities, and calls PyTorch refuses. Each case is a PyTorch expression and its tensorloom
// spelling over the same inputs; the test runs the spelling on the current backend and compares
// the dtype, shape and values of every output (integers and bools exactly, floats within a few
// ulp of the dtype), then d sum(out * w) / d input for the float inputs the case lists. A case
// PyTorch refused must throw a TensorloomError whose message starts with an op name.
// TENSORLOOM_EDGE_AREA=<area> runs one area; TENSORLOOM_EDGE_REPORT=1 prints every failure.

import * as tl from "../../src/index.js";
import {
  build,
  compare,
  compareTensor,
  configName,
  judgeThrow,
  type ProbeCase,
  type ProbeTensor,
  runProbes,
  type Tolerance,
} from "../support/probes.js";

interface EdgeCase extends ProbeCase {
  /** PyTorch's Python binding refused the arguments (a number for a tensor): tensorloom may accept them. */
  binding?: boolean;
  weights?: (ProbeTensor | null)[];
  grads?: Record<string, ProbeTensor>;
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
  "nnops-5654": {
    reason: "layerNorm over one element: PyTorch's fused x * rstd - mean * rstd leaves rounding noise (-5.9e-6) where x - mean is 0",
  },
};

/** Within a few ulp of the dtype (sums may add in another order). */
const TOLERANCE: Tolerance = { float32: [4e-6, 1e-6], float64: [1e-12, 1e-13] };

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
    return judgeThrow(c, e);
  }
  if (c.error !== undefined) return c.binding ? null : `returned a result; PyTorch raised ${c.error}`;
  const r = compare(out, c.out!, "output", TOLERANCE);
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
    const r2 = compareTensor(got, g, `grad ${k}`, TOLERANCE);
    if (r2) return r2;
  }
  return null;
}

runProbes<EdgeCase>({
  title: "edge probes",
  file: "edge_probes.json.gz",
  env: "TENSORLOOM_EDGE",
  judge,
  known: (c) => {
    const k = KNOWN[c.id];
    return k !== undefined && (!k.backends || k.backends.includes(configName()));
  },
  line: (c, why) => `${c.id} ${c.ts}  [torch: ${c.py}]: ${why}`,
});
