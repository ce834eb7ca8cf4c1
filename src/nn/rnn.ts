// Recurrent layers as torch.nn: RNN (tanh/relu), LSTM (with projSize) and GRU over whole
// sequences, and the one-step cells RNNCell, LSTMCell, GRUCell. Parameters are registered under
// PyTorch's state-dict names and layouts (weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0; LSTM
// gates i,f,g,o; GRU r,z,n), so a PyTorch state dict loads unchanged. Backpropagation through
// time is autograd over the unrolled steps; the gate math is composite ops, with no backward here.

import type { Tensor } from "../tensor/tensor.js";
import { DTypeError, ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import { empty, tensor, zeros } from "../tensor/create.js";
import { add, mul } from "../ops/binary.js";
import { mm, mmBias } from "../ops/matmul.js";
import { narrow, reshape, select, squeeze, transpose, unsqueeze } from "../ops/movement.js";
import { cat, stack } from "../ops/join.js";
import { relu, sigmoid, tanh } from "../ops/activation.js";
import { noGrad } from "../autograd/graph.js";
import { gruCell, gruSequence, lstmCell, lstmSequence } from "../ops/recurrent.js";
import { where } from "../ops/select.js";
import { lazy } from "../ops/op.js";
import { dropout } from "./functional.js";
import { uniform_ } from "./init.js";
import { Module, Parameter } from "./module.js";
import { asOp } from "../tensor/opContext.js";

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
/** Gate blocks stacked in weight_ih / weight_hh: LSTM i,f,g,o; GRU r,z,n. */
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** The parameters of one layer and direction (or of a cell). */
interface StepWeights {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
  /** LSTM projSize > 0: h = (o * tanh(c)) W_hr^T. */
  wHr: Parameter | null;
}

/** What `onStep` sees: the state after time step `t` of one layer and direction. */
export interface StepInfo {
  layer: number;
  /** 0 forward, 1 reverse (bidirectional). */
  direction: 0 | 1;
  /** Time index, 0-based, in the input's order (the reverse direction visits T-1 first). */
  t: number;
  /** Hidden state H_t, [batch, hidden] (a node of the graph: hooks on it see dL/dH_t). */
  h: Tensor;
  /** LSTM cell state C_t. */
  c?: Tensor;
  /**
   * The gate activations of this step, each [batch, hidden] and detached (computed on first read,
   * outside the graph): LSTM i, f, g, o with c_t = f c_{t-1} + i g and h_t = o tanh(c_t) (then
   * W_hr with projSize); GRU r, z, n with h_t = (1 - z) n + z h_{t-1}. Undefined for RNN. At a
   * padded step (`lengths`) they are what the cell computed; the state is kept. Read them before
   * the parameters change (an optimizer step): they are computed from the weights at first read.
   * PyTorch's LSTM and GRU do not expose their gates.
   */
  readonly gates?: StepGates;
}

/** LSTM gate activations of one step: input i, forget f, cell candidate g, output o (each [batch, hidden]); torch.nn.LSTM computes them internally and exposes none. */
export interface LSTMGates {
  readonly kind: "LSTM";
  readonly i: Tensor;
  readonly f: Tensor;
  readonly g: Tensor;
  readonly o: Tensor;
}

/** GRU gate activations of one step: reset r, update z, candidate n (each [batch, hidden]); torch.nn.GRU computes them internally and exposes none. */
export interface GRUGates {
  readonly kind: "GRU";
  readonly r: Tensor;
  readonly z: Tensor;
  readonly n: Tensor;
}

/** The gates of one LSTM or GRU step (tell them apart by `kind`); no PyTorch counterpart. */
export type StepGates = LSTMGates | GRUGates;

/** A StepInfo whose gates are computed on first read (a GradientTrace never pays for them). */
class RecurrentStep implements StepInfo {
  readonly c?: Tensor;
  private readonly gatesOnce: () => StepGates | undefined;
  constructor(
    readonly layer: number,
    readonly direction: 0 | 1,
    readonly t: number,
    readonly h: Tensor,
    c: Tensor | null,
    compute: () => StepGates | undefined,
  ) {
    if (c) this.c = c;
    this.gatesOnce = lazy(compute);
  }
  get gates(): StepGates | undefined {
    return this.gatesOnce();
  }
}

/**
 * The gate activations of one layer step from xg = x W_ih^T + b_ih (+ b_hh for LSTM, folded by
 * the layers) and the previous hidden state, outside the graph. Undefined for RNN modes.
 */
function stepGates(mode: Mode, xg: Tensor, h: Tensor, w: StepWeights): StepGates | undefined {
  if (mode !== "LSTM" && mode !== "GRU") return undefined;
  return noGrad(() => {
    const H = xg.shape[1]! / GATES[mode];
    const part = (t: Tensor, k: number): Tensor => narrow(t, 1, k * H, H);
    if (mode === "LSTM") {
      const pre = add(xg, project(h, w.wHh, null));
      return { kind: "LSTM", i: sigmoid(part(pre, 0)), f: sigmoid(part(pre, 1)), g: tanh(part(pre, 2)), o: sigmoid(part(pre, 3)) };
    }
    const hg = project(h, w.wHh, w.bHh);
    const r = sigmoid(add(part(xg, 0), part(hg, 0)));
    const z = sigmoid(add(part(xg, 1), part(hg, 1)));
    return { kind: "GRU", r, z, n: tanh(add(part(xg, 2), mul(r, part(hg, 2)))) };
  });
}

/** Options of RNN/LSTM/GRU forward: `lengths` of a zero-padded batch (in place of PyTorch's PackedSequence) and `onStep`, a callback with every hidden state (for gradient tracing). */
export interface RecurrentForwardOptions {
  /**
   * Real length of each sequence of a zero-padded batch (PyTorch's pack_padded_sequence, sorted
   * or not). Steps at or past a sequence's length neither change its state nor its real outputs
   * and receive no gradient (their input gets a zero gradient); hN is the state at each
   * sequence's last real step (the reverse direction starts there); the output at padded steps
   * is zero, as pad_packed_sequence(total_length = T) gives.
   */
  lengths?: readonly number[] | Tensor;
  /**
   * Called with every per-step hidden state (and, for LSTM and GRU, the step's gates), e.g. to
   * trace ||dL/dH_t|| (see GradientTrace). Runs the layer step by step instead of its fused op.
   */
  onStep?: (step: StepInfo) => void;
}

// ---------------------------------------------------------------- one step (shared by layers and cells)

/** h W^T (+ b): the hidden-to-gates product of one step. */
function project(h: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = mm(h, w, false, true);
  return b ? add(y, b) : y;
}

/**
 * One step from the input gates xg = x W_ih^T + b_ih [B, G*H] and the state. `hBias` is the
 * b_hh still to add (the layers fold it into xg for RNN and LSTM; GRU needs it apart).
 */
function cellStep(mode: Mode, xg: Tensor, h: Tensor, c: Tensor | null, w: StepWeights, hBias: Tensor | null): [Tensor, Tensor | null] {
  const hg = project(h, w.wHh, hBias);
  if (mode === "RNN_TANH") return [tanh(add(xg, hg)), null];
  if (mode === "RNN_RELU") return [relu(add(xg, hg)), null];
  if (mode === "LSTM") {
    // c' = f c + i g, h' = o tanh(c'), i, f, o = sigmoid(.) and g = tanh(.) of the gate blocks (fused)
    const hc = lstmCell(add(xg, hg), c!);
    const h1 = select(hc, 0, 0);
    return [w.wHr ? mm(h1, w.wHr, false, true) : h1, select(hc, 0, 1)];
  }
  // GRU: r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z); n = tanh(x_n + r * (W_hn h + b_hn));
  // h' = (1 - z) n + z h, computed n + z (h - n) as ATen does (fused). b_hn sits inside the reset product.
  return [gruCell(xg, hg, h), null];
}

/**
 * The T time steps of x [T, ...] as T tensors. Split in halves recursively: the gradient of a
 * slice is a zero tensor of its source's full size, so T slices of x would cost O(T^2) in the
 * backward pass; halving costs O(T log T).
 */
function unbindTime(x: Tensor): Tensor[] {
  const T = x.shape[0]!;
  if (T <= 2) return Array.from({ length: T }, (_, t) => select(x, 0, t));
  const half = T >> 1;
  return [...unbindTime(narrow(x, 0, 0, half)), ...unbindTime(narrow(x, 0, half, T - half))];
}

// ---------------------------------------------------------------- parameters

const SUFFIXES = ["", "_reverse"] as const;

/** Register the parameters of a stack of layers under PyTorch's names and draw them from U(-k, k), k = 1/sqrt(hidden). */
function makeLayerWeights(
  register: (name: string, p: Parameter) => Parameter,
  mode: Mode,
  inputSize: number,
  hiddenSize: number,
  numLayers: number,
  directions: number,
  bias: boolean,
  projSize: number,
  dtype?: "float32" | "float64",
): StepWeights[][] {
  const k = 1 / Math.sqrt(hiddenSize);
  const G = GATES[mode] * hiddenSize;
  const realH = projSize > 0 ? projSize : hiddenSize;
  const param = (name: string, shape: number[]): Parameter =>
    register(name, new Parameter(uniform_(empty(shape, dtype ? { dtype } : {}), -k, k)));
  const layers: StepWeights[][] = [];
  for (let l = 0; l < numLayers; l++) {
    const inF = l === 0 ? inputSize : realH * directions;
    const dirs: StepWeights[] = [];
    for (let d = 0; d < directions; d++) {
      const s = `_l${l}${SUFFIXES[d]}`;
      // registration order is PyTorch's _flat_weights_names order (and its init order)
      const wIh = param(`weight_ih${s}`, [G, inF]);
      const wHh = param(`weight_hh${s}`, [G, realH]);
      const bIh = bias ? param(`bias_ih${s}`, [G]) : null;
      const bHh = bias ? param(`bias_hh${s}`, [G]) : null;
      const wHr = projSize > 0 ? param(`weight_hr${s}`, [projSize, hiddenSize]) : null;
      dirs.push({ wIh, wHh, bIh, bHh, wHr });
    }
    layers.push(dirs);
  }
  return layers;
}

function checkSize(op: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ValueError(`${op}: ${name} must be an integer >= ${min}, got ${v}.`);
}

// ---------------------------------------------------------------- the sequence layers

/** Options shared by RNN, LSTM and GRU: numLayers, bias, batchFirst, dropout, bidirectional, dtype; torch.nn.RNN's keyword arguments as an object. */
export interface RNNBaseOptions {
  /** Stacked layers, each reading the previous one's output (default 1). */
  numLayers?: number;
  bias?: boolean;
  /** Input and output as [batch, seq, feature] instead of [seq, batch, feature]; h0/hN are unaffected. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, while training. */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: "float32" | "float64";
}

/** Options of RNN: the shared ones plus nonlinearity ("tanh" or "relu"), as torch.nn.RNN. */
export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: "tanh" | "relu";
}

/** Options of LSTM: the shared ones plus projSize (LSTM with projections), as torch.nn.LSTM's proj_size. */
export interface LSTMOptions extends RNNBaseOptions {
  /** If > 0, the hidden state is projected to this size by weight_hr (must be < hiddenSize). */
  projSize?: number;
}

/** Configuration and weights shared by RNN, LSTM and GRU (composition, not a base class). */
class RecurrentCore {
  readonly layers: StepWeights[][];
  readonly directions: number;
  readonly outSize: number;
  /** The parameter names in registration order, which is PyTorch's state-dict order. */
  readonly stateKeys: string[] = [];

  constructor(
    readonly op: string,
    readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly numLayers: number,
    readonly bias: boolean,
    readonly batchFirst: boolean,
    readonly dropoutP: number,
    readonly bidirectional: boolean,
    readonly projSize: number,
    register: (name: string, p: Parameter) => Parameter,
    dtype?: "float32" | "float64",
  ) {
    checkSize(op, "inputSize", inputSize, 0);
    checkSize(op, "hiddenSize", hiddenSize, 1);
    checkSize(op, "numLayers", numLayers, 1);
    checkSize(op, "projSize", projSize, 0);
    if (projSize >= hiddenSize && projSize > 0)
      throw new ValueError(`${op}: projSize (${projSize}) must be smaller than hiddenSize (${hiddenSize}).`);
    if (!(dropoutP >= 0 && dropoutP <= 1)) throw new ValueError(`${op}: dropout must be a probability in [0, 1], got ${dropoutP}.`);
    this.directions = bidirectional ? 2 : 1;
    this.outSize = projSize > 0 ? projSize : hiddenSize;
    const recordKey = (name: string, p: Parameter): Parameter => {
      this.stateKeys.push(name);
      return register(name, p);
    };
    this.layers = makeLayerWeights(recordKey, mode, inputSize, hiddenSize, numLayers, this.directions, bias, projSize, dtype);
  }

  /** The expected shape of h0 (and, with c, of c0) for a batch, or unbatched when batch is null. */
  stateShape(batch: number | null, cell: boolean): number[] {
    const size = cell ? this.hiddenSize : this.outSize;
    return batch === null ? [this.numLayers * this.directions, size] : [this.numLayers * this.directions, batch, size];
  }

  private checkState(name: string, s: Tensor, batch: number | null, cell: boolean, x: Tensor): void {
    const want = this.stateShape(batch, cell);
    if (s.ndim !== want.length || s.shape.some((d, i) => d !== want[i])) {
      const layout =
        batch === null ? "[numLayers * numDirections, hiddenSize] for unbatched input" : "[numLayers * numDirections, batch, hiddenSize]";
      throw new ShapeError(
        `${this.op}: ${name} has shape ${fmt(s.shape)} but expected ${fmt(want)} (${layout}, input ${fmt(x.shape)}). Pass a ${name} of shape ${fmt(want)}.`,
      );
    }
    if (s.dtype !== x.dtype)
      throw new DTypeError(
        `${this.op}: ${name} is ${s.dtype} but the input is ${x.dtype}. Use one dtype for input, states and parameters.`,
      );
  }

  /** Validate the input; returns the input as [T, B, F] and whether it was unbatched. */
  private prepareInput(x: Tensor): { x: Tensor; unbatched: boolean } {
    if (x.ndim !== 2 && x.ndim !== 3) {
      throw new ShapeError(
        `${this.op}: expected input to be 2-D (unbatched [seq, feature]) or 3-D (batched), got ${x.ndim}-D input ${fmt(x.shape)}.`,
      );
    }
    const F = x.shape[x.ndim - 1]!;
    if (F !== this.inputSize) {
      const layout = x.ndim === 2 ? "[seq, inputSize]" : this.batchFirst ? "[batch, seq, inputSize]" : "[seq, batch, inputSize]";
      throw new ShapeError(
        `${this.op}: input ${fmt(x.shape)} has ${F} features in its last dim but inputSize is ${this.inputSize}. Pass input of shape ${layout} or build the layer with inputSize ${F}.`,
      );
    }
    const w = this.layers[0]![0]!.wIh;
    if (x.dtype !== w.dtype) {
      throw new DTypeError(
        `${this.op}: input is ${x.dtype} but the parameters are ${w.dtype}. Convert one: x.to("${w.dtype}") or module.to("${x.dtype}").`,
      );
    }
    const T = x.shape[x.ndim === 3 && this.batchFirst ? 1 : 0]!;
    if (T === 0) {
      throw new ShapeError(
        `${this.op}: input ${fmt(x.shape)} has sequence length 0; a recurrent layer needs at least one time step (as PyTorch). Drop empty sequences before the layer.`,
      );
    }
    if (x.ndim === 2) return { x: unsqueeze(x, 1), unbatched: true };
    return { x: this.batchFirst ? transpose(x, 0, 1) : x, unbatched: false };
  }

  /** Per time step, a bool [B, 1] mask of the sequences still running (null when all are). */
  private masks(lengths: readonly number[] | Tensor, T: number, B: number): (Tensor | null)[] {
    if (!Array.isArray(lengths) && (lengths as Tensor).ndim !== 1)
      throw new ShapeError(`${this.op}: lengths must be 1-D, got shape ${fmt((lengths as Tensor).shape)}.`);
    const lens = Array.isArray(lengths) ? (lengths as readonly number[]) : Array.from((lengths as Tensor).storage);
    if (lens.length !== B)
      throw new ShapeError(
        `${this.op}: lengths has ${lens.length} entries but the batch has ${B} sequences; give one length per sequence.`,
      );
    lens.forEach((n, b) => {
      if (!Number.isInteger(n) || n < 1 || n > T) {
        throw new ValueError(
          `${this.op}: lengths[${b}] = ${n} is not valid: each length must be an integer in [1, ${T}] (the padded sequence length). Drop empty sequences from the batch.`,
        );
      }
    });
    return Array.from({ length: T }, (_, t) => (lens.every((n) => n > t) ? null : tensor(lens.map((n) => [n > t]))));
  }

  /**
   * Run every layer and direction. `h0` / `c0` as the user passed them (or null for zeros).
   * Returns output in the caller's layout and the final states [L*D, (B,) H].
   */
  run(
    training: boolean,
    input: Tensor,
    h0: Tensor | null,
    c0: Tensor | null,
    opts: RecurrentForwardOptions,
  ): { output: Tensor; hN: Tensor; cN: Tensor | null } {
    // errors from the ops inside (select, cat, matmul...) name the layer the user called
    return asOp(this.op, () => this.runOf(training, input, h0, c0, opts));
  }

  private runOf(
    training: boolean,
    input: Tensor,
    h0: Tensor | null,
    c0: Tensor | null,
    opts: RecurrentForwardOptions,
  ): { output: Tensor; hN: Tensor; cN: Tensor | null } {
    const { x, unbatched } = this.prepareInput(input);
    const [T, B] = x.shape as [number, number];
    const lstm = this.mode === "LSTM";
    if (h0) this.checkState("h0", h0, unbatched ? null : B, false, input);
    if (c0) this.checkState("c0", c0, unbatched ? null : B, true, input);
    const masks = opts.lengths !== undefined ? this.masks(opts.lengths, T, B) : null;
    const init = (s: Tensor | null, k: number, size: number): Tensor =>
      s ? (unbatched ? unsqueeze(select(s, 0, k), 0) : select(s, 0, k)) : zeros([B, size], { dtype: x.dtype });
    let layerInput = x;
    const hN: Tensor[] = [],
      cN: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const k = l * this.directions + d;
        const r = this.runDirection(
          l,
          d as 0 | 1,
          layerInput,
          init(h0, k, this.outSize),
          lstm ? init(c0, k, this.hiddenSize) : null,
          masks,
          opts.onStep,
        );
        outs.push(r.output);
        hN.push(r.h);
        if (r.c) cN.push(r.c);
      }
      layerInput = outs.length === 1 ? outs[0]! : cat(outs, 2);
      if (l < this.numLayers - 1 && this.dropoutP > 0) layerInput = dropout(layerInput, this.dropoutP, training);
    }
    let output = layerInput;
    let h = stack(hN, 0),
      c = lstm ? stack(cN, 0) : null;
    if (unbatched) {
      output = squeeze(output, 1);
      h = squeeze(h, 1);
      c = c && squeeze(c, 1);
    } else if (this.batchFirst) {
      output = transpose(output, 0, 1);
    }
    return { output, hN: h, cN: c };
  }

  /** One layer in one direction over x [T, B, F]: output [T, B, H] and the final state. */
  private runDirection(
    layer: number,
    direction: 0 | 1,
    x: Tensor,
    h0: Tensor,
    c0: Tensor | null,
    masks: (Tensor | null)[] | null,
    onStep?: (s: StepInfo) => void,
  ): { output: Tensor; h: Tensor; c: Tensor | null } {
    const w = this.layers[layer]![direction]!;
    const [T, B, F] = x.shape as [number, number, number];
    // the input projection of all T steps in one GEMM: [T*B, F] @ W_ih^T (+ biases, fused)
    const rows = reshape(x, [T * B, F]);
    // b_hh adds to the same pre-activation as b_ih for RNN and LSTM; GRU keeps b_hn apart
    const foldHh = this.mode !== "GRU";
    const bias = w.bIh && w.bHh && foldHh ? add(w.bIh, w.bHh) : w.bIh;
    const proj = bias ? mmBias(rows, w.wIh, bias, false, true) : mm(rows, w.wIh, false, true);
    const xg = reshape(proj, [T, B, proj.shape[1]!]);
    if (!masks && !onStep && !w.wHr && (this.mode === "LSTM" || this.mode === "GRU")) {
      // the common case runs as one fused op whose backward is BPTT with one weight-gradient GEMM
      const reverse = direction === 1,
        last = reverse ? 0 : T - 1;
      if (this.mode === "GRU") {
        const output = gruSequence(xg, h0, w.wHh, w.bHh, reverse);
        return { output, h: select(output, 0, last), c: null };
      }
      const hc = lstmSequence(xg, h0, c0!, w.wHh, reverse);
      const output = select(hc, 0, 0);
      // c_n straight from [2T, B, H] (a view): selecting the whole c sequence first copied T*B*H floats
      return { output, h: select(output, 0, last), c: select(reshape(hc, [2 * T, B, hc.shape[3]!]), 0, T + last) };
    }
    const xs = unbindTime(xg);
    const outs = new Array<Tensor>(T);
    let h = h0,
      c = c0;
    for (let k = 0; k < T; k++) {
      const t = direction === 0 ? k : T - 1 - k;
      const hPrev = h;
      const [h1, c1] = cellStep(this.mode, xs[t]!, h, c, w, foldHh ? null : w.bHh);
      const m = masks?.[t];
      if (m) {
        // padded step: keep the state, output zero, pass no gradient into this step
        outs[t] = where(m, h1, 0);
        h = where(m, h1, h);
        c = c1 && where(m, c1, c!);
      } else {
        outs[t] = h1;
        h = h1;
        c = c1;
      }
      if (onStep) {
        const xt = xs[t]!;
        onStep(new RecurrentStep(layer, direction, t, h, c, () => stepGates(this.mode, xt, hPrev, w)));
      }
    }
    return { output: stack(outs, 0), h, c };
  }

  extraRepr(): string {
    const parts = [String(this.inputSize), String(this.hiddenSize)];
    if (this.projSize > 0) parts.push(`proj_size=${this.projSize}`);
    if (this.numLayers !== 1) parts.push(`num_layers=${this.numLayers}`);
    if (!this.bias) parts.push("bias=False");
    if (this.batchFirst) parts.push("batch_first=True");
    if (this.dropoutP !== 0) parts.push(`dropout=${this.dropoutP}`);
    if (this.bidirectional) parts.push("bidirectional=True");
    return parts.join(", ");
  }
}

/** What RNN, LSTM and GRU share: the core, its read-only configuration, state keys and repr. */
export abstract class RecurrentLayer extends Module {
  protected readonly core: RecurrentCore;

  protected constructor(name: string, mode: Mode, inputSize: number, hiddenSize: number, opts: RNNBaseOptions, projSize: number) {
    super();
    this.core = new RecurrentCore(
      name,
      mode,
      inputSize,
      hiddenSize,
      opts.numLayers ?? 1,
      opts.bias ?? true,
      opts.batchFirst ?? false,
      opts.dropout ?? 0,
      opts.bidirectional ?? false,
      projSize,
      (n, p) => this.registerParameter(n, p),
      opts.dtype,
    );
  }

  get inputSize(): number {
    return this.core.inputSize;
  }
  get hiddenSize(): number {
    return this.core.hiddenSize;
  }
  get numLayers(): number {
    return this.core.numLayers;
  }
  get batchFirst(): boolean {
    return this.core.batchFirst;
  }
  get bidirectional(): boolean {
    return this.core.bidirectional;
  }

  /** The state-dict keys, in PyTorch's order. */
  stateKeys(): string[] {
    return this.core.stateKeys.slice();
  }

  protected override extraRepr(): string {
    return this.core.extraRepr();
  }
}

/**
 * Elman RNN, as torch.nn.RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act tanh or relu.
 * **Shape**: input [T, B, inputSize] ([B, T, .] with batchFirst, [T, .] unbatched), h0 [L*D, B, H]
 * -> output [T, B, D*H], hN [L*D, B, H] (D = 2 when bidirectional).
 * State: weight_ih_l{k}[_reverse] [H, in], weight_hh_l{k} [H, H], bias_ih_l{k}, bias_hh_l{k} [H].
 * @example new tl.nn.RNN(3, 5).forward(tl.ones([7, 2, 3]))[0] // shape [7, 2, 5]
 */
export class RNN extends RecurrentLayer {
  /** "tanh" (default) or "relu", as torch.nn.RNN.nonlinearity. */
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nonlinearity = opts.nonlinearity ?? "tanh";
    if (nonlinearity !== "tanh" && nonlinearity !== "relu") {
      throw new ValueError(`RNN: unknown nonlinearity ${JSON.stringify(nonlinearity)}; use "tanh" or "relu".`);
    }
    super("RNN", nonlinearity === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, opts, 0);
    this.nonlinearity = nonlinearity;
  }

  /** Returns [output, hN]; h0 defaults to zeros. */
  forward(x: Tensor, h0: Tensor | null = null, opts: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    const r = this.core.run(this.training, x, h0, null, opts);
    return [r.output, r.hN];
  }

  protected override extraRepr(): string {
    return this.core.extraRepr() + (this.nonlinearity === "relu" ? ", nonlinearity=relu" : "");
  }
}

/**
 * Long short-term memory, as torch.nn.LSTM: gates i, f, g, o from x_t W_ih^T + b_ih + h W_hh^T + b_hh;
 * c_t = f c_{t-1} + i g, h_t = o tanh(c_t) (then h_t W_hr^T with projSize).
 * **Shape**: input [T, B, inputSize], h0 [L*D, B, P], c0 [L*D, B, H] -> output [T, B, D*P],
 * [hN, cN] of h0's and c0's shapes; P = projSize or H.
 * State: weight_ih_l{k} [4H, in], weight_hh_l{k} [4H, P], bias_ih_l{k}, bias_hh_l{k} [4H], weight_hr_l{k} [P, H].
 * @example new tl.nn.LSTM(3, 5, { batchFirst: true }).forward(tl.ones([2, 7, 3]))[0] // shape [2, 7, 5]
 */
export class LSTM extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    super("LSTM", "LSTM", inputSize, hiddenSize, opts, opts.projSize ?? 0);
  }

  /** The projected hidden size (0: no projection), as torch.nn.LSTM.proj_size. */
  get projSize(): number {
    return this.core.projSize;
  }

  /** Returns [output, [hN, cN]]; the state defaults to zeros. */
  forward(x: Tensor, state: readonly [Tensor, Tensor] | null = null, opts: RecurrentForwardOptions = {}): [Tensor, [Tensor, Tensor]] {
    if (state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new ValueError(
        `LSTM: the state must be a pair [h0, c0] (or null for zeros), got ${Array.isArray(state) ? `an array of ${state.length}` : typeof state}.`,
      );
    }
    const r = this.core.run(this.training, x, state?.[0] ?? null, state?.[1] ?? null, opts);
    return [r.output, [r.hN, r.cN!]];
  }
}

/**
 * Gated recurrent unit, as torch.nn.GRU: r, z = sigmoid(x W_i{r,z}^T + b_i{r,z} + h W_h{r,z}^T + b_h{r,z}),
 * n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)), h' = (1 - z) n + z h.
 * **Shape**: as RNN. State: weight_ih_l{k} [3H, in], weight_hh_l{k} [3H, H], biases [3H].
 * @example new tl.nn.GRU(3, 5, { numLayers: 2 }).forward(tl.ones([7, 3]))[1] // shape [2, 5]
 */
export class GRU extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super("GRU", "GRU", inputSize, hiddenSize, opts, 0);
  }

  /** Returns [output, hN]; h0 defaults to zeros. */
  forward(x: Tensor, h0: Tensor | null = null, opts: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    const r = this.core.run(this.training, x, h0, null, opts);
    return [r.output, r.hN];
  }
}

// ---------------------------------------------------------------- cells

/** Options of RNNCell, LSTMCell and GRUCell: bias, dtype (PyTorch's keyword arguments as an object). */
export interface CellOptions {
  bias?: boolean;
  dtype?: "float32" | "float64";
}

/** The shared part of the three cells: parameters, checks, batching. */
class CellCore {
  readonly w: StepWeights;

  constructor(
    readonly op: string,
    readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly bias: boolean,
    register: (name: string, p: Parameter) => Parameter,
    dtype?: "float32" | "float64",
  ) {
    checkSize(op, "inputSize", inputSize, 0);
    checkSize(op, "hiddenSize", hiddenSize, 1);
    const k = 1 / Math.sqrt(hiddenSize);
    const G = GATES[mode] * hiddenSize;
    const param = (name: string, shape: number[]): Parameter =>
      register(name, new Parameter(uniform_(empty(shape, dtype ? { dtype } : {}), -k, k)));
    const wIh = param("weight_ih", [G, inputSize]);
    const wHh = param("weight_hh", [G, hiddenSize]);
    this.w = { wIh, wHh, bIh: bias ? param("bias_ih", [G]) : null, bHh: bias ? param("bias_hh", [G]) : null, wHr: null };
  }

  /** One step; states are [B, H] or [H] (unbatched) and default to zeros. */
  step(x: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, Tensor | null] {
    return asOp(this.op, () => this.stepOf(x, h, c));
  }

  private stepOf(x: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, Tensor | null] {
    if (x.ndim !== 1 && x.ndim !== 2)
      throw new ShapeError(
        `${this.op}: expected input to be 1-D (unbatched) or 2-D [batch, inputSize], got ${x.ndim}-D input ${fmt(x.shape)}.`,
      );
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        `${this.op}: input ${fmt(x.shape)} has ${x.shape[x.ndim - 1]} features but inputSize is ${this.inputSize}. Pass input of shape [batch, ${this.inputSize}].`,
      );
    }
    if (x.dtype !== this.w.wIh.dtype)
      throw new DTypeError(
        `${this.op}: input is ${x.dtype} but the parameters are ${this.w.wIh.dtype}. Convert one: x.to("${this.w.wIh.dtype}") or cell.to("${x.dtype}").`,
      );
    const unbatched = x.ndim === 1;
    const want = unbatched ? [this.hiddenSize] : [x.shape[0]!, this.hiddenSize];
    const prep = (name: string, s: Tensor | null): Tensor => {
      if (s === null) return zeros(unbatched ? [1, this.hiddenSize] : want, { dtype: x.dtype });
      if (s.ndim !== want.length || s.shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(
          `${this.op}: ${name} has shape ${fmt(s.shape)} but expected ${fmt(want)} for input ${fmt(x.shape)} (${unbatched ? "[hiddenSize] for unbatched input" : "[batch, hiddenSize]"}).`,
        );
      }
      if (s.dtype !== x.dtype) throw new DTypeError(`${this.op}: ${name} is ${s.dtype} but the input is ${x.dtype}. Use one dtype.`);
      return unbatched ? unsqueeze(s, 0) : s;
    };
    const hb = prep("hx", h);
    const cb = this.mode === "LSTM" ? prep("cx", c) : null;
    const xb = unbatched ? unsqueeze(x, 0) : x;
    const [h1, c1] = cellStep(this.mode, project(xb, this.w.wIh, this.w.bIh), hb, cb, this.w, this.w.bHh);
    return unbatched ? [squeeze(h1, 0), c1 && squeeze(c1, 0)] : [h1, c1];
  }

  extraRepr(extra = ""): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? "" : ", bias=False"}${extra}`;
  }
}

/**
 * One Elman RNN step, as torch.nn.RNNCell: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh).
 * **Shape**: input [B, inputSize] or [inputSize], hx [B, H] or [H] -> h' of hx's shape.
 * @example new tl.nn.RNNCell(3, 4).forward(tl.ones([2, 3])) // shape [2, 4]
 */
export class RNNCell extends Module {
  private readonly core: CellCore;
  /** "tanh" (default) or "relu", as torch.nn.RNNCell.nonlinearity. */
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, opts: CellOptions & { nonlinearity?: "tanh" | "relu" } = {}) {
    super();
    this.nonlinearity = opts.nonlinearity ?? "tanh";
    if (this.nonlinearity !== "tanh" && this.nonlinearity !== "relu") {
      throw new ValueError(`RNNCell: unknown nonlinearity ${JSON.stringify(this.nonlinearity)}; use "tanh" or "relu".`);
    }
    this.core = new CellCore(
      "RNNCell",
      this.nonlinearity === "tanh" ? "RNN_TANH" : "RNN_RELU",
      inputSize,
      hiddenSize,
      opts.bias ?? true,
      (n, p) => this.registerParameter(n, p),
      opts.dtype,
    );
  }

  /** Features per input, as torch.nn.RNNCell.input_size. */
  get inputSize(): number {
    return this.core.inputSize;
  }
  /** Features of the hidden state, as torch.nn.RNNCell.hidden_size. */
  get hiddenSize(): number {
    return this.core.hiddenSize;
  }

  forward(x: Tensor, hx: Tensor | null = null): Tensor {
    return this.core.step(x, hx, null)[0];
  }

  protected override extraRepr(): string {
    return this.core.extraRepr(this.nonlinearity === "relu" ? ", nonlinearity=relu" : "");
  }
}

/**
 * One LSTM step, as torch.nn.LSTMCell.
 * **Shape**: input [B, inputSize] or [inputSize]; [hx, cx] each [B, H] or [H] -> [h', c'].
 * @example new tl.nn.LSTMCell(3, 4).forward(tl.ones([2, 3]))[1] // shape [2, 4]
 */
export class LSTMCell extends Module {
  private readonly core: CellCore;

  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super();
    this.core = new CellCore(
      "LSTMCell",
      "LSTM",
      inputSize,
      hiddenSize,
      opts.bias ?? true,
      (n, p) => this.registerParameter(n, p),
      opts.dtype,
    );
  }

  /** Features per input, as torch.nn.LSTMCell.input_size. */
  get inputSize(): number {
    return this.core.inputSize;
  }
  /** Features of the hidden and cell states, as torch.nn.LSTMCell.hidden_size. */
  get hiddenSize(): number {
    return this.core.hiddenSize;
  }

  forward(x: Tensor, state: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new ValueError(`LSTMCell: the state must be a pair [hx, cx] (or null for zeros).`);
    }
    const [h, c] = this.core.step(x, state?.[0] ?? null, state?.[1] ?? null);
    return [h, c!];
  }

  protected override extraRepr(): string {
    return this.core.extraRepr();
  }
}

/**
 * One GRU step, as torch.nn.GRUCell (b_hn inside the reset product).
 * **Shape**: input [B, inputSize] or [inputSize], hx [B, H] or [H] -> h' of hx's shape.
 * @example new tl.nn.GRUCell(3, 4).forward(tl.ones([3])) // shape [4]
 */
export class GRUCell extends Module {
  private readonly core: CellCore;

  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super();
    this.core = new CellCore(
      "GRUCell",
      "GRU",
      inputSize,
      hiddenSize,
      opts.bias ?? true,
      (n, p) => this.registerParameter(n, p),
      opts.dtype,
    );
  }

  /** Features per input, as torch.nn.GRUCell.input_size. */
  get inputSize(): number {
    return this.core.inputSize;
  }
  /** Features of the hidden state, as torch.nn.GRUCell.hidden_size. */
  get hiddenSize(): number {
    return this.core.hiddenSize;
  }

  forward(x: Tensor, hx: Tensor | null = null): Tensor {
    return this.core.step(x, hx, null)[0];
  }

  protected override extraRepr(): string {
    return this.core.extraRepr();
  }
}
