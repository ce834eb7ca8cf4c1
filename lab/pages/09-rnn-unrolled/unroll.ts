// The computation behind the unrolled-RNN page: one nn.RNN (tanh) reads a series one value per
// step, and its onStep callback hands over every hidden state H_t. The same weights W_xh, W_hh
// and b are used at every t; only X_t and H_{t-1} change. stepTerms splits one step's
// pre-activation into those three parts so the page can print the formula with its numbers.

import * as tl from "../../../src/index.js";
import { sequenceInput } from "../../shared/seqModels.js";

export interface Unrolled {
  /** The inputs X_1..X_T. */
  x: number[];
  /** H_t for t = 1..T (index t - 1), each [hidden]. */
  states: number[][];
  /** The layer's own output sequence (the same H_t, from forward's return value). */
  output: number[][];
  /** W_xh [hidden, 1] flattened, W_hh [hidden, hidden], b = b_ih + b_hh [hidden]. */
  wXh: number[];
  wHh: number[][];
  bias: number[];
}

/** Run a seeded nn.RNN(1, hidden) over `values` and keep every H_t its onStep reports. */
export function unrollRnn(values: readonly number[], hidden: number, seed: number): Unrolled {
  tl.manualSeed(seed);
  const rnn = new tl.nn.RNN(1, hidden);
  const states: number[][] = [];
  const [out] = tl.noGrad(() =>
    rnn.forward(sequenceInput(values), null, {
      onStep: (s) => {
        states[s.t] = (s.h.toArray() as number[][])[0]!;
      },
    }),
  );
  const sd = rnn.stateDict();
  return {
    x: [...values],
    states,
    output: out.squeeze(1).toArray() as number[][],
    wXh: Array.from(sd.weight_ih_l0!.reshape([hidden]).toArray() as number[]),
    wHh: sd.weight_hh_l0!.toArray() as number[][],
    bias: Array.from(sd.bias_ih_l0!.add(sd.bias_hh_l0!).toArray() as number[]),
  };
}

/** One step's pre-activation split as the formula H_t = tanh(X_t W_xh + H_{t-1} W_hh + b) reads, per hidden unit. */
export interface StepTerms {
  /** X_t W_xh: the input's part. */
  input: number[];
  /** H_{t-1} W_hh: the memory's part (0 at the first step, H_0 = 0). */
  memory: number[];
  bias: number[];
  /** tanh(input + memory + bias): equals H_t. */
  h: number[];
}

/** The terms of step t (0-based) from the unrolled run's weights, computed with tensor ops. */
export function stepTerms(u: Unrolled, t: number): StepTerms {
  const H = u.bias.length;
  // float32 as the layer (an all-zero H_0 written as integers would otherwise be int32)
  const f32 = (v: number[] | number[][]): tl.Tensor => tl.tensor(v, { dtype: "float32" });
  const prev = f32(t > 0 ? [u.states[t - 1]!] : [new Array<number>(H).fill(0)]); // [1, H]
  const input = f32(u.wXh).mul(u.x[t]!);
  const memory = prev.matmul(f32(u.wHh).t()).squeeze(0);
  const bias = f32(u.bias);
  const arr = (v: tl.Tensor): number[] => Array.from(v.toArray() as number[]);
  return { input: arr(input), memory: arr(memory), bias: arr(bias), h: arr(tl.tanh(input.add(memory).add(bias))) };
}
