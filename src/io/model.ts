// Self-describing checkpoints: a safetensors file whose "__metadata__" also records the
// architecture (a JSON description of a sequence of known layers and their constructor
// arguments) and the preprocessing the model expects, so that loadModel rebuilds a runnable model
// without the user's code. The tensors stay exactly the state dict under its own keys, so PyTorch
// loads the weights with load_state_dict(strict=True); the description lives only in the
// metadata (string to string: JSON-encoded values).

import * as nn from "../nn/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { SafetensorsError } from "./safetensors.js";

/**
 * One layer of an architecture: a tensorloom/PyTorch layer type, its constructor arguments as
 * tensorloom takes them (`new nn[type](...args)`), and its name in the state dict (default: its
 * position, as in nn.Sequential). The extra type "LastStep" selects the last time step of a
 * sequence [B, T, ...] -> [B, ...] (what a forecaster's head reads from a batch-first LSTM).
 */
export interface LayerSpec {
  type: string;
  args?: unknown[];
  name?: string;
}

/**
 * A model as a sequence of layers, run in order; a layer that returns several tensors (RNN, LSTM,
 * GRU: [output, state]) passes on the first, as PyTorch code usually does.
 */
export interface ArchitectureSpec {
  type: "Sequential";
  layers: LayerSpec[];
}

/** The metadata keys a self-describing checkpoint uses. */
export const METADATA_KEYS = { architecture: "tensorloom.architecture", preprocessing: "tensorloom.preprocessing" } as const;

/** Selects the last step along dim 1: [B, T, ...] -> [B, ...] (out.select(1, T - 1)). */
export class LastStep extends nn.Module {
  /** The last time step of `x` ([B, T, ...]). */
  forward(x: Tensor): Tensor {
    return x.select(1, x.shape[1]! - 1);
  }
}

type Ctor = new (...args: never[]) => nn.Module;
const LAYERS: Record<string, Ctor> = {
  Linear: nn.Linear,
  Flatten: nn.Flatten,
  Identity: nn.Identity,
  Dropout: nn.Dropout,
  Dropout2d: nn.Dropout2d,
  ReLU: nn.ReLU,
  Sigmoid: nn.Sigmoid,
  Tanh: nn.Tanh,
  SiLU: nn.SiLU,
  LeakyReLU: nn.LeakyReLU,
  ELU: nn.ELU,
  GELU: nn.GELU,
  Softplus: nn.Softplus,
  Softmax: nn.Softmax,
  LogSoftmax: nn.LogSoftmax,
  Conv1d: nn.Conv1d,
  Conv2d: nn.Conv2d,
  Conv3d: nn.Conv3d,
  MaxPool1d: nn.MaxPool1d,
  MaxPool2d: nn.MaxPool2d,
  AvgPool1d: nn.AvgPool1d,
  AvgPool2d: nn.AvgPool2d,
  AdaptiveAvgPool1d: nn.AdaptiveAvgPool1d,
  AdaptiveAvgPool2d: nn.AdaptiveAvgPool2d,
  BatchNorm1d: nn.BatchNorm1d,
  BatchNorm2d: nn.BatchNorm2d,
  LayerNorm: nn.LayerNorm,
  Embedding: nn.Embedding,
  RNN: nn.RNN,
  LSTM: nn.LSTM,
  GRU: nn.GRU,
  LastStep,
};

/** The layer types an ArchitectureSpec may name. */
export const KNOWN_LAYERS: readonly string[] = Object.keys(LAYERS);

/**
 * A model built from an ArchitectureSpec: its layers registered under their names, so that its
 * state-dict keys are those of the model it describes. `architecture` is the spec it was built from.
 */
export class SpecModel extends nn.Module {
  /** The layers in call order, registered under their spec names (as nn.Sequential's modules). */
  readonly layers: nn.Module[] = [];
  constructor(
    /** The architecture spec this model was built from (saved in the checkpoint's metadata). */ readonly architecture: ArchitectureSpec,
  ) {
    super();
    const op = "buildModel";
    if (!architecture || typeof architecture !== "object" || architecture.type !== "Sequential" || !Array.isArray(architecture.layers)) {
      throw new SafetensorsError(
        `${op}: an architecture must be { "type": "Sequential", "layers": [...] }, got ${JSON.stringify(architecture)?.slice(0, 80)}.`,
      );
    }
    const seen = new Set<string>();
    architecture.layers.forEach((l, i) => {
      const Cls = l && typeof l.type === "string" ? LAYERS[l.type] : undefined;
      if (!Cls)
        throw new SafetensorsError(
          `${op}: layer ${i} has type ${JSON.stringify(l?.type)}, which tensorloom cannot build; known types: ${KNOWN_LAYERS.join(", ")}.`,
        );
      if (l.args !== undefined && !Array.isArray(l.args))
        throw new SafetensorsError(
          `${op}: layer ${i} (${l.type}) has args ${JSON.stringify(l.args)}; args must be an array of constructor arguments.`,
        );
      const name = l.name ?? String(i);
      if (typeof name !== "string" || name === "" || name.includes(".") || seen.has(name))
        throw new SafetensorsError(
          `${op}: layer ${i} has the name ${JSON.stringify(name)}; names must be distinct non-empty strings without dots.`,
        );
      seen.add(name);
      const m = new Cls(...((l.args ?? []) as never[]));
      this.layers.push(this.registerModule(name, m));
    });
  }
  /** Runs the layers in order; a layer returning [output, state] passes on output. */
  forward(x: Tensor): Tensor {
    let h: unknown = x;
    for (const m of this.layers) {
      h = (m as unknown as { forward(x: Tensor): unknown }).forward(h as Tensor);
      if (Array.isArray(h)) h = h[0];
    }
    return h as Tensor;
  }
}

/** A fresh (randomly initialised) model from an architecture description. */
export function buildModel(architecture: ArchitectureSpec): SpecModel {
  return new SpecModel(architecture);
}

/** An nn.Linear, nn.Conv2d... as a LayerSpec, from its configuration (the layers the CLI's models use). */
function describeLayer(m: nn.Module, name: string): LayerSpec {
  const spec = (type: string, args?: unknown[]): LayerSpec => (args ? { type, name, args } : { type, name });
  if (m instanceof nn.Linear) return spec("Linear", [m.inFeatures, m.outFeatures, { bias: m.bias !== null }]);
  if (m instanceof nn.ConvNd && m.nd <= 3) {
    return spec(`Conv${m.nd}d`, [
      m.inChannels,
      m.outChannels,
      m.kernelSize,
      { stride: m.stride, padding: m.padding, dilation: m.dilation, groups: m.groups, bias: m.bias !== null, paddingMode: m.paddingMode },
    ]);
  }
  if (m instanceof nn.MaxPool1d || m instanceof nn.MaxPool2d) {
    const { kernelSize, ...rest } = m.opts;
    return spec(`MaxPool${m.nd}d`, [kernelSize, rest]);
  }
  if (m instanceof nn.Flatten) return spec("Flatten", [m.startDim, m.endDim]);
  if (m instanceof nn.Dropout) return spec("Dropout", [m.p]);
  if (m instanceof nn.LeakyReLU) return spec("LeakyReLU", [m.negativeSlope]);
  if (m instanceof nn.ELU) return spec("ELU", [m.alpha]);
  if (m instanceof nn.GELU) return spec("GELU", [m.approximate]);
  if (m instanceof nn.Softmax) return spec("Softmax", [m.dim]);
  if (m instanceof nn.LogSoftmax) return spec("LogSoftmax", [m.dim]);
  const plain = { ReLU: nn.ReLU, Sigmoid: nn.Sigmoid, Tanh: nn.Tanh, SiLU: nn.SiLU, Identity: nn.Identity };
  for (const [t, cls] of Object.entries(plain)) if (m.constructor === cls) return spec(t);
  if (m instanceof LastStep) return spec("LastStep");
  throw new SafetensorsError(
    `describeModel: layer "${name}" is a ${m.constructor.name}, which describeModel cannot describe from the instance. Pass { architecture } to saveModel (see tl.io.KNOWN_LAYERS), or build the model with tl.io.buildModel.`,
  );
}

/**
 * The architecture of a model that can be rebuilt without its code: a model made by buildModel
 * (its spec), or an nn.Sequential of Linear, Conv, MaxPool, Flatten, Dropout and activation layers.
 */
export function describeModel(model: nn.Module): ArchitectureSpec {
  if (model instanceof SpecModel) return model.architecture;
  if (model instanceof nn.Sequential) return { type: "Sequential", layers: model.namedChildren().map(([n, m]) => describeLayer(m, n)) };
  throw new SafetensorsError(
    `describeModel: a ${model.constructor.name} is user code; its architecture cannot be read from the instance. Pass { architecture } to saveModel, or build the model with tl.io.buildModel / nn.Sequential.`,
  );
}

/** Metadata for a self-describing checkpoint: the architecture and preprocessing, JSON-encoded, beside `extra`. */
export function modelMetadata(
  architecture: ArchitectureSpec,
  preprocessing?: unknown,
  extra: Record<string, string> = {},
): Record<string, string> {
  const md: Record<string, string> = { format: "pt", ...extra, [METADATA_KEYS.architecture]: JSON.stringify(architecture) };
  if (preprocessing !== undefined) md[METADATA_KEYS.preprocessing] = JSON.stringify(preprocessing);
  return md;
}

/** The architecture and preprocessing recorded in a checkpoint's metadata; `what` names the file in errors. */
export function readModelMetadata(
  metadata: Record<string, string>,
  what: string,
): { architecture: ArchitectureSpec; preprocessing: unknown } {
  const op = "loadModel";
  const text = metadata[METADATA_KEYS.architecture];
  if (text === undefined) {
    const keys = Object.keys(metadata);
    throw new SafetensorsError(
      `${op}: ${what} holds weights only: its metadata has no "${METADATA_KEYS.architecture}" entry (it has ${keys.length ? keys.map((k) => JSON.stringify(k)).join(", ") : "no metadata"}), so the model cannot be rebuilt. Load it with loadSafetensors into a model built in code, or save it with tl.io.saveModel.`,
    );
  }
  const parse = (key: string, s: string): unknown => {
    try {
      return JSON.parse(s);
    } catch (e) {
      throw new SafetensorsError(
        `${op}: ${what}: metadata "${key}" is not valid JSON (${(e as Error).message}). The file was not written by saveModel or was edited.`,
      );
    }
  };
  const architecture = parse(METADATA_KEYS.architecture, text) as ArchitectureSpec;
  const pre = metadata[METADATA_KEYS.preprocessing];
  return { architecture, preprocessing: pre === undefined ? null : parse(METADATA_KEYS.preprocessing, pre) };
}
