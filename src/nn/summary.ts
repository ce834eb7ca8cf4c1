// model.summary(inputShape): the module tree with each module's output shape and parameter
// counts, totals (trainable and not) and a memory estimate, from one forward pass on zeros.
// The pass runs under noGrad in eval mode (or train mode on request) through forward hooks; the
// model's training flags, buffers (BatchNorm's running statistics) and the default generator's
// state are restored afterwards, so a summary changes nothing the model or later draws can see.

import type { DType } from "../tensor/dtype.js";
import { assertDType, getDefaultDtype } from "../tensor/dtype.js";
import { TensorloomError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { zeros } from "../tensor/create.js";
import { defaultGenerator } from "../tensor/random.js";
import { noGrad } from "../autograd/graph.js";
import type { Module } from "./module.js";
import { addForwardHook, addForwardPreHook, type HookHandle } from "./hooks.js";

/**
 * The shape of what a forward returned: a tensor's shape, an array of them for a tuple output
 * (LSTM: `[[N, T, H], [[L, N, H], [L, N, H]]]`), an object of them for an object output, null
 * for anything that is not a tensor (or for a module the pass did not call).
 */
export type ShapeTree = number[] | ShapeTree[] | { [key: string]: ShapeTree } | null;

/** Options of Module.summary(inputShape, opts). */
export interface SummaryOptions {
  /** dtype of the zero inputs, one for all or one per input (default: the default float dtype). */
  dtype?: DType | readonly DType[];
  /** Arguments passed to forward after the inputs (e.g. a pooling size a forward takes). */
  forwardArgs?: readonly unknown[];
  /** "eval" (default) or "train": the mode the pass runs in; the model's own flags come back after. */
  mode?: "eval" | "train";
  /** Deepest level of the tree shown in the table (the root is 0); deeper modules' parameters count in their shown ancestor. Default: all. */
  depth?: number;
  /** Also print the table with console.log. */
  print?: boolean;
}

/** One module of the tree, in namedModules() order (depth first, registration order). */
export interface LayerSummary {
  /** Dotted name as in namedModules() and state-dict keys ("" for the model itself). */
  name: string;
  /** Class name. */
  type: string;
  /** 0 for the model, 1 for its children, ... */
  depth: number;
  /** The output of this module's first call in the pass (null if it was not called). */
  outputShape: ShapeTree;
  /** How many times the pass called this module's forward. */
  calls: number;
  /** Elements of the parameters this module registers itself (a shared parameter counts at its first name only). */
  params: number;
  /** How many of `params` require grad. */
  trainable: number;
  /** Parameter elements of this module and all its descendants. */
  subtreeParams: number;
  /** How many of `subtreeParams` require grad. */
  subtreeTrainable: number;
}

/** summary()'s memory estimate, in bytes (a forward pass's; backward would keep about as much again). */
export interface SummaryMemory {
  /** Bytes of the zero inputs. */
  inputBytes: number;
  /** Bytes of the distinct tensors the modules returned in the forward pass (inputs and state excluded). */
  activationBytes: number;
  /** Bytes of the parameters. */
  paramBytes: number;
  /** paramBytes split by dtype. */
  paramBytesByDtype: Partial<Record<DType, number>>;
  /** Bytes of the buffers (running statistics...). */
  bufferBytes: number;
  /** inputBytes + activationBytes + paramBytes + bufferBytes. */
  totalBytes: number;
}

/** What summary() returns; `toString()` is the table, `print()` logs it. */
export class ModelSummary {
  constructor(
    /** The summarised module's class name. */ readonly model: string,
    /** The input shapes and dtypes the forward pass ran on. */ readonly inputs: readonly { shape: number[]; dtype: DType }[],
    /** One row per module (depth first): name, type, depth, output shape, own parameter counts, as torchinfo's summary_list. */ readonly layers: readonly LayerSummary[],
    /** All parameters, each shared one once, as torchinfo's total_params. */ readonly totalParams: number,
    /** Parameters with requiresGrad, as torchinfo's trainable_params. */ readonly trainableParams: number,
    /** Parameters without requiresGrad (frozen), as torchinfo's non-trainable count. */ readonly nonTrainableParams: number,
    /** The memory estimate in bytes: input, forward activations, parameters, buffers and total, as torchinfo's size estimates. */ readonly memory: SummaryMemory,
    private readonly maxDepth: number,
  ) {}

  /** The summary table as torchinfo / Keras print it (module tree, output shapes, parameter counts, memory). */
  toString(): string {
    return formatTable(this, this.maxDepth);
  }

  /** Log the table with console.log; returns this. */
  print(): this {
    console.log(this.toString());
    return this;
  }
}

// ---------------------------------------------------------------- arguments

function parseShapes(inputShape: unknown): number[][] {
  const bad = (why: string): never => {
    throw new ValueError(
      `summary: ${why}. Pass one shape such as [1, 3, 32, 32], or a list of shapes such as [[1, 10], [1, 4]] for a forward of several inputs.`,
    );
  };
  if (!Array.isArray(inputShape)) bad(`inputShape must be an array, got ${typeof inputShape}`);
  const list = inputShape as unknown[];
  const shapes = list.length > 0 && Array.isArray(list[0]) ? (list as unknown[][]) : [list];
  for (const s of shapes) {
    if (!Array.isArray(s)) bad(`mixed shapes and numbers in inputShape ${JSON.stringify(inputShape)}`);
    for (const d of s)
      if (typeof d !== "number" || !Number.isInteger(d) || d < 0)
        bad(`a shape's sizes must be non-negative integers, got ${JSON.stringify(s)}`);
  }
  return shapes.map((s) => [...(s as number[])]);
}

function parseDtypes(dtype: SummaryOptions["dtype"], n: number): DType[] {
  if (dtype === undefined) return Array.from({ length: n }, () => getDefaultDtype());
  if (typeof dtype === "string") return Array.from({ length: n }, () => assertDType("summary", dtype));
  if (!Array.isArray(dtype) || dtype.length !== n) {
    throw new ValueError(`summary: dtype must be one dtype or a list of ${n} (one per input), got ${JSON.stringify(dtype)}.`);
  }
  return dtype.map((d) => assertDType("summary", d));
}

// ---------------------------------------------------------------- outputs

function shapeTree(v: unknown, level = 0): ShapeTree {
  if (v instanceof Tensor) return [...v.shape];
  if (level >= 8) return null;
  if (Array.isArray(v)) return v.map((e) => shapeTree(e, level + 1));
  if (v !== null && typeof v === "object") {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const o: { [key: string]: ShapeTree } = {};
      for (const [k, e] of Object.entries(v)) o[k] = shapeTree(e, level + 1);
      return o;
    }
  }
  return null;
}

function tensorsIn(v: unknown, out: Set<Tensor>, level = 0): void {
  if (v instanceof Tensor) out.add(v);
  else if (level < 8 && Array.isArray(v)) for (const e of v) tensorsIn(e, out, level + 1);
  else if (level < 8 && v !== null && typeof v === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
    for (const e of Object.values(v)) tensorsIn(e, out, level + 1);
  }
}

const bytesOf = (t: Tensor): number => t.numel() * t.storage.BYTES_PER_ELEMENT;

/** A tensor shape as [a, b], a tuple as (x, y), an object as {k: x}, anything else as --. */
export function formatShapeTree(s: ShapeTree): string {
  if (s === null) return "--";
  if (Array.isArray(s)) {
    if (s.length === 0 || typeof s[0] === "number") return fmt(s as number[]);
    return `(${(s as ShapeTree[]).map(formatShapeTree).join(", ")})`;
  }
  return `{${Object.entries(s)
    .map(([k, e]) => `${k}: ${formatShapeTree(e)}`)
    .join(", ")}}`;
}

// ---------------------------------------------------------------- the pass

interface Frame {
  module: Module;
  inputs: unknown[];
}

function describeArgs(args: readonly unknown[]): string {
  return args.map((a) => formatShapeTree(shapeTree(a))).join(", ");
}

/** Run `model` on zeros of `inputShape` and describe it; see Module.summary. */
export function summarize(
  model: Module,
  inputShape: readonly number[] | readonly (readonly number[])[],
  opts: SummaryOptions = {},
): ModelSummary {
  const shapes = parseShapes(inputShape);
  const dtypes = parseDtypes(opts.dtype, shapes.length);
  const maxDepth = opts.depth ?? Infinity;
  if (!(maxDepth >= 0)) throw new ValueError(`summary: depth must be a non-negative number, got ${opts.depth}.`);
  const mode = opts.mode ?? "eval";
  if (mode !== "eval" && mode !== "train") throw new ValueError(`summary: mode must be "eval" or "train", got ${JSON.stringify(mode)}.`);

  const named = model.namedModules();
  const unique = [...new Set(named.map(([, m]) => m))];
  const inputs = shapes.map((s, i) => zeros(s, { dtype: dtypes[i]! }));
  const inputText = shapes.map((s, i) => `${fmt(s)} (${dtypes[i]})`).join(", ");

  // --- state to put back
  const flags = unique.map((m) => [m, m.training] as const);
  const bufferSnap = snapshotBuffers(model);
  const rng = rngState();

  const outputs = new Map<Module, unknown[]>();
  const stack: Frame[] = [];
  const handles: HookHandle[] = [];
  try {
    for (const m of unique) {
      handles.push(addForwardPreHook(m, (mod, args) => void stack.push({ module: mod, inputs: args })));
      handles.push(
        addForwardHook(m, (mod, _args, out) => {
          // pop down to this module's frame (a child whose error a parent caught left its frame)
          while (stack.length > 0 && stack.pop()!.module !== mod);
          const list = outputs.get(mod);
          if (list) list.push(out);
          else outputs.set(mod, [out]);
        }),
      );
    }
    for (const m of unique) m.training = mode === "train";
    noGrad(() => Reflect.apply(model.forward, model, [...inputs, ...(opts.forwardArgs ?? [])]));
  } catch (e) {
    const inner = stack.at(-1);
    const where =
      inner && inner.module !== model
        ? ` in "${named.find(([, m]) => m === inner.module)?.[0]}" (${inner.module.constructor.name}), called with ${describeArgs(inner.inputs)}`
        : "";
    const msg = e instanceof Error ? e.message : String(e);
    const text = `summary: the forward pass of ${model.constructor.name} on input ${inputText} failed${where}: ${msg}`;
    const Ctor = e instanceof TensorloomError ? (e.constructor as typeof TensorloomError) : TensorloomError;
    throw new Ctor(text, { cause: e });
  } finally {
    for (const h of handles) h.remove();
    for (const [m, t] of flags) m.training = t;
    restoreBuffers(bufferSnap);
    restoreRng(rng);
  }

  // --- parameters per owning module: the dotted name's prefix (namedParameters lists a shared one once)
  const own = new Map<string, { n: number; trainable: number }>();
  const paramBytesByDtype: Partial<Record<DType, number>> = {};
  let paramBytes = 0;
  for (const [name, p] of model.namedParameters()) {
    const owner = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : "";
    const e = own.get(owner) ?? { n: 0, trainable: 0 };
    e.n += p.numel();
    if (p.requiresGrad) e.trainable += p.numel();
    own.set(owner, e);
    paramBytes += bytesOf(p);
    paramBytesByDtype[p.dtype] = (paramBytesByDtype[p.dtype] ?? 0) + bytesOf(p);
  }
  const layers: LayerSummary[] = named.map(([name, m]) => {
    const mine = own.get(name) ?? { n: 0, trainable: 0 };
    let subtreeParams = 0;
    let subtreeTrainable = 0;
    for (const [owner, e] of own) {
      if (name === "" || owner === name || owner.startsWith(name + ".")) {
        subtreeParams += e.n;
        subtreeTrainable += e.trainable;
      }
    }
    const outs = outputs.get(m) ?? [];
    return {
      name,
      type: m.constructor.name,
      depth: name === "" ? 0 : name.split(".").length,
      outputShape: outs.length > 0 ? shapeTree(outs[0]) : null,
      calls: outs.length,
      params: mine.n,
      trainable: mine.trainable,
      subtreeParams,
      subtreeTrainable,
    };
  });

  // --- memory
  const stateTensors = new Set<Tensor>([...model.parameters(), ...model.buffers(), ...inputs]);
  const activations = new Set<Tensor>();
  for (const outs of outputs.values()) for (const o of outs) tensorsIn(o, activations);
  let activationBytes = 0;
  for (const t of activations) if (!stateTensors.has(t)) activationBytes += bytesOf(t);
  const inputBytes = inputs.reduce((n, t) => n + bytesOf(t), 0);
  const bufferBytes = [...new Set(model.buffers())].reduce((n, t) => n + bytesOf(t), 0);
  const memory: SummaryMemory = {
    inputBytes,
    activationBytes,
    paramBytes,
    paramBytesByDtype,
    bufferBytes,
    totalBytes: inputBytes + activationBytes + paramBytes + bufferBytes,
  };

  const totalParams = model.numParameters();
  const trainableParams = model.numParameters(true);
  const s = new ModelSummary(
    model.constructor.name,
    shapes.map((shape, i) => ({ shape, dtype: dtypes[i]! })),
    layers,
    totalParams,
    trainableParams,
    totalParams - trainableParams,
    memory,
    maxDepth,
  );
  if (opts.print) s.print();
  return s;
}

// ---------------------------------------------------------------- state kept untouched

interface BufferSnap {
  owner: Module;
  local: string;
  tensor: Tensor;
  storage: Tensor["storage"];
  shape: readonly number[];
  copy: Tensor["storage"];
}

function snapshotBuffers(model: Module): BufferSnap[] {
  const byName = new Map(model.namedModules());
  return model.namedBuffers().map(([name, t]) => {
    const cut = name.lastIndexOf(".");
    return {
      owner: byName.get(cut < 0 ? "" : name.slice(0, cut))!,
      local: name.slice(cut + 1),
      tensor: t,
      storage: t.storage,
      shape: t.shape,
      copy: t.storage.slice(),
    };
  });
}

function restoreBuffers(snaps: readonly BufferSnap[]): void {
  for (const b of snaps) {
    // a forward that swapped in another tensor (setBuffer) gets the old one back
    const now = b.owner.namedBuffers().find(([n]) => n === b.local)?.[1];
    if (now !== b.tensor) (b.owner as unknown as { setBuffer(n: string, t: Tensor): void }).setBuffer(b.local, b.tensor);
    if (b.tensor.storage !== b.storage) b.tensor.setData_(new Tensor(b.storage, b.shape));
    if (b.storage.some((v, i) => v !== b.copy[i] && !(Number.isNaN(v) && Number.isNaN(b.copy[i])))) b.storage.set(b.copy as never);
  }
}

interface RngSnap {
  state: Uint32Array;
  spare: unknown;
}

function rngState(): RngSnap {
  return { state: defaultGenerator.getState(), spare: (defaultGenerator as unknown as { spare: unknown }).spare };
}

function restoreRng(s: RngSnap): void {
  const now = defaultGenerator.getState();
  if (now.every((v, i) => v === s.state[i])) return;
  defaultGenerator.setState(s.state);
  (defaultGenerator as unknown as { spare: unknown }).spare = s.spare;
}

// ---------------------------------------------------------------- the table

const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function formatBytes(n: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  if (n < 1024) return `${n} B`;
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)} ${units[u]}`;
}

function formatTable(s: ModelSummary, maxDepth: number): string {
  const shown = s.layers.filter((l) => l.depth <= maxDepth);
  const rows = shown.map((l, i) => {
    // parameters shown at this row: its own when its children are rows too, else its whole subtree
    const childrenShown = shown.slice(i + 1).some((c) => c.depth > l.depth && (l.name === "" || c.name.startsWith(l.name + ".")));
    const [p, t] = childrenShown ? [l.params, l.trainable] : [l.subtreeParams, l.subtreeTrainable];
    const label = l.depth === 0 ? l.type : `${"  ".repeat(l.depth)}${l.name.slice(l.name.lastIndexOf(".") + 1)} (${l.type})`;
    const calls = l.calls > 1 ? ` x${l.calls}` : "";
    return [
      label,
      formatShapeTree(l.outputShape) + calls,
      p === 0 ? "--" : thousands(p),
      p === 0 ? "--" : t === p ? "yes" : t === 0 ? "no" : "partial",
    ];
  });
  const head = ["Layer (type)", "Output shape", "Param #", "Trainable"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (c >= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("   ")
      .trimEnd();
  const width = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  const m = s.memory;
  const byDtype = Object.entries(m.paramBytesByDtype)
    .map(([d, b]) => `${d} ${formatBytes(b!)}`)
    .join(", ");
  const kv = (k: string, v: string): string => `${k.padEnd(24)}${v}`;
  return [
    `Model: ${s.model}`,
    `Input: ${s.inputs.map((i) => `${fmt(i.shape)} ${i.dtype}`).join(", ")}`,
    "=".repeat(width),
    line(head),
    "=".repeat(width),
    ...rows.map(line),
    "=".repeat(width),
    kv("Total params:", thousands(s.totalParams)),
    kv("Trainable params:", thousands(s.trainableParams)),
    kv("Non-trainable params:", thousands(s.nonTrainableParams)),
    "-".repeat(width),
    kv("Input size:", formatBytes(m.inputBytes)),
    kv("Forward activations:", formatBytes(m.activationBytes)),
    kv("Params size:", formatBytes(m.paramBytes) + (byDtype && Object.keys(m.paramBytesByDtype).length > 1 ? ` (${byDtype})` : "")),
    kv("Buffers size:", formatBytes(m.bufferBytes)),
    kv("Estimated total size:", formatBytes(m.totalBytes)),
    "=".repeat(width),
  ].join("\n");
}
