// Stateful probes against PyTorch 1.13 (scripts/fixtures/make_module_probes.py, data in
// test/fixtures/module_probes.json.gz): in-place writes through views and the version counters
// autograd checks, BatchNorm/LayerNorm/Dropout in training and eval, Embedding's paddingIdx and
// maxNorm, stacked and bidirectional RNN/LSTM/GRU, optimizer trajectories with missing gradients,
// scheduler sequences, and losses with every target ignored. Each case is a short program in
// both languages over the same inputs; the test runs the tensorloom program on the current
// backend and compares every value it returns (integers and bools exactly, floats within a few
// ulp of the dtype). Where PyTorch raised, tensorloom must throw a TensorloomError whose message
// starts with an op name. TENSORLOOM_MODULE_AREA=<area> runs one area; TENSORLOOM_MODULE_REPORT=1
// prints every failure.

import { type KnownEntry, runProgramProbes } from "../support/probes.js";

/**
 * Deliberate differences and failures whose fix belongs outside this test's files, each with the
 * reason; a listed case that passes fails the test, so the list empties as fixes land.
 */
const SMOOTH_L1_BETA0 =
  "smoothL1Loss with beta 0 where input == target: PyTorch's backward takes its x <= -beta branch and gives -1 to the input and to the target alike (not a gradient); ours is l1Loss's 0 there";
const KNOWN: Record<string, KnownEntry> = {
  "loss-0864": {
    why: "crossEntropy of float32 logits with float64 probabilities: PyTorch takes logSoftmax in float32 and then promotes (2.015116481); the reference backend's logSoftmax sums in float64 (2.015116478, closer to the float64 answer); the wasm kernels, float32 like PyTorch's, match",
    configs: ["reference"],
  },
  "norm-0274":
    "float32 BatchNorm of values near 1000: PyTorch computes x * invstd - mean * invstd in float32, 3e-5 from the float64 answer (1.1407776 vs 1.1407478); ours is (x - mean) * invstd, 2e-8 from it",
  "optim-0593":
    "a parameter listed twice is refused with a clear error (PyTorch 1.13 warns that this will become an error, then updates it twice per step)",
  "sched-0873":
    "CosineAnnealingLR with tMax 0 is refused at construction; PyTorch accepts it and raises ZeroDivisionError at the second step()",
  "loss-0862":
    "binaryCrossEntropyWithLogits of float32 logits with a float64 target: PyTorch computes parts in float32 (0.87126604), ours in float64 (0.87126603, 1e-10 from float64 throughout)",
  "rnn-0910":
    "LSTM with a float32 c0 for float64 input and parameters is refused with a clear error; PyTorch 1.13 checks only h0's dtype and computes",
  "loss-0777": SMOOTH_L1_BETA0,
  "loss-0778": SMOOTH_L1_BETA0,
  "loss-0779": SMOOTH_L1_BETA0,
};

runProgramProbes("module probes", "module_probes.json.gz", "TENSORLOOM_MODULE", KNOWN);
