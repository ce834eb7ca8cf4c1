/**
 * tensorloom: tensors with autograd. `import * as tl from "tensorloom"`.
 * This entry point is browser-safe: nothing here imports a Node-only module.
 *
 * @module tensorloom
 */

import "./ops/methods.js"; // installs x.add(), x.sum(), ... on Tensor.prototype
import "./frame/ml/connect.js"; // df.toTensor() works once the core is loaded (tensorloom/frame alone has no tensors)

export { Tensor } from "./tensor/tensor.js";
export type { NestedArray } from "./tensor/tensor.js";
export { type DType, type TypedArray, setDefaultDtype, getDefaultDtype, promoteTypes, resultType } from "./tensor/dtype.js";
export { setMaxElements, getMaxElements, DEFAULT_MAX_ELEMENTS } from "./tensor/limits.js";
export {
  TensorloomError,
  ShapeError,
  DTypeError,
  IndexError,
  ValueError,
  AutogradError,
  UnsupportedKernelError,
  BackendError,
} from "./tensor/errors.js";
export {
  tensor,
  zeros,
  ones,
  full,
  empty,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
  randLike,
  randnLike,
  randperm,
  fromStorage,
} from "./tensor/create.js";
export { Generator, manualSeed, defaultGenerator } from "./tensor/random.js";
export { printOptions } from "./tensor/format.js";
export { noGrad, enableGrad, isGradEnabled } from "./autograd/graph.js";
export { backward, grad, type BackwardOptions } from "./autograd/backward.js";
export { gradCheck, type GradCheckOptions } from "./autograd/gradCheck.js";
export {
  setBackend,
  getBackend,
  availableBackends,
  setNumThreads,
  getNumThreads,
  ready,
  initWebGpu,
  type BackendName,
  type WebGpuOptions,
} from "./backends/index.js";

export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  remainder,
  floorDivide,
  atan2,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  logicalAnd,
  logicalOr,
  logicalXor,
} from "./ops/binary.js";
export {
  neg,
  abs,
  sign,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  rsqrt,
  reciprocal,
  square,
  sin,
  cos,
  erf,
  floor,
  ceil,
  round,
  trunc,
  clamp,
  logicalNot,
  isnan,
  isinf,
  isfinite,
} from "./ops/unary.js";
export { relu, leakyRelu, elu, gelu, sigmoid, tanh, softplus, silu, prelu, selu, celu, threshold } from "./ops/activation.js";
export { softmax, logSoftmax } from "./ops/softmax.js";
export { pixelShuffle, pixelUnshuffle, unflatten } from "./ops/shuffle.js";
export {
  sum,
  mean,
  prod,
  max,
  min,
  amax,
  amin,
  argmax,
  argmin,
  variance as var,
  std,
  logsumexp,
  norm,
  all,
  any,
  sumToSize,
  type Dims,
  type ValuesIndices,
  type VarOptions,
} from "./ops/reduce.js";
export { addmm, matmul, mm, mmBias } from "./ops/matmul.js";
export { cumsum, cumprod, type CumOptions } from "./ops/scan.js";
export { sort, argsort, topk, type SortOptions, type TopkOptions } from "./ops/sort.js";
export {
  reshape,
  view,
  flatten,
  squeeze,
  unsqueeze,
  permute,
  transpose,
  t,
  expand,
  broadcastTo,
  slice,
  narrow,
  select,
  flip,
  contiguous,
  clone,
  detach,
  to,
} from "./ops/movement.js";
export { cat, stack, split, chunk, unbind } from "./ops/join.js";
export { indexSelect, indexAdd, gather, scatterAdd } from "./ops/indexing.js";
export { where, maskedFill } from "./ops/select.js";
export { pad, type PadMode } from "./ops/pad.js";

export * as nn from "./nn/index.js";
export { F } from "./nn/index.js";
export * as report from "./report/index.js";
export { checkedConvOutputSize as convOutputSize } from "./ops/conv.js";
export * as signal from "./ops/signal.js";
export * as optim from "./optim/index.js";
export * as io from "./io/index.js";
export {
  fromPixels,
  toPixels,
  type PixelData,
  type PixelSource,
  type CanvasLike,
  type DrawableLike,
  type FromPixelsOptions,
} from "./io/pixels.js";
export * as onnx from "./onnx/index.js";
export * as metrics from "./train/metrics.js";
export * as data from "./data/index.js";
export * as train from "./train/index.js";
export * as explain from "./nn/explain.js";
