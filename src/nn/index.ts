// torch.nn's counterpart: Module and Parameter, layers, init, and the functional namespace F.

import * as functional from "./functional.js";
import * as init from "./init.js";

/** torch.nn.functional under its usual short name: `const { F } = tl; F.crossEntropy(logits, y)` (also `tl.F` and `nn.functional`). */
export const F = functional;
export { functional, init };
export { Module, Parameter, type StateDict, type LoadResult } from "./module.js";
export type { ForwardHook, ForwardPreHook, HookHandle } from "./hooks.js";
export { ModelSummary, formatShapeTree, type SummaryOptions, type LayerSummary, type SummaryMemory, type ShapeTree } from "./summary.js";
export {
  Linear,
  Flatten,
  Unflatten,
  Identity,
  Dropout,
  Dropout2d,
  ReLU,
  Sigmoid,
  Tanh,
  SiLU,
  LeakyReLU,
  ELU,
  GELU,
  Softplus,
  Softmax,
  LogSoftmax,
  PReLU,
  SELU,
  CELU,
  Hardtanh,
  ReLU6,
  Hardswish,
  Hardsigmoid,
  Mish,
  Softsign,
  Tanhshrink,
  Threshold,
  LogSigmoid,
  Softmin,
  type PReLUOptions,
  Sequential,
  ModuleList,
  type TensorModule,
} from "./layers.js";
export {
  ConvNd,
  Conv1d,
  Conv2d,
  Conv3d,
  ConvTransposeNd,
  ConvTranspose1d,
  ConvTranspose2d,
  ConvTranspose3d,
  type ConvModuleOptions,
  type ConvTransposeModuleOptions,
  type PaddingMode,
} from "./conv.js";
export { Unfold, Fold } from "./fold.js";
export { PixelShuffle, PixelUnshuffle, Upsample } from "./resample.js";
export {
  MaxPool1d,
  MaxPool2d,
  MaxPool3d,
  AvgPool1d,
  AvgPool2d,
  AvgPool3d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveAvgPool3d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  AdaptiveMaxPool3d,
  MaxUnpoolNd,
  MaxUnpool1d,
  MaxUnpool2d,
  MaxUnpool3d,
} from "./pool.js";
export {
  BatchNormNd,
  BatchNorm1d,
  BatchNorm2d,
  BatchNorm3d,
  LayerNorm,
  type BatchNormModuleOptions,
  type LayerNormOptions,
} from "./norm.js";
export {
  RNN,
  LSTM,
  GRU,
  RNNCell,
  LSTMCell,
  GRUCell,
  type RNNBaseOptions,
  type RNNOptions,
  type LSTMOptions,
  type CellOptions,
  type RecurrentForwardOptions,
  type StepInfo,
  type StepGates,
  type LSTMGates,
  type GRUGates,
} from "./rnn.js";
export { Embedding, type EmbeddingModuleOptions } from "./embedding.js";
import { clipGradNorm, clipGradValue } from "./clip.js";
/** torch.nn.utils: gradient clipping. */
export const utils = { clipGradNorm, clipGradValue };
export type { ClipGradNormOptions } from "./clip.js";
export {
  truncatedBptt,
  detachState,
  type RecurrentState,
  type RecurrentModule,
  type StateOf,
  type ChunkInfo,
  type TbpttOptions,
  type TbpttResult,
} from "./tbptt.js";
export { GradientTrace, paramGradNorms, traceGradients, traceKey, type GradientReport, type TracedStep } from "./gradientTrace.js";
export { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, SmoothL1Loss, BCEWithLogitsLoss } from "./loss.js";
