// Evaluation metrics on tensors: classification accuracy and confusion matrix, regression MAE
// and RMSE. Plain numbers out; no graph is recorded.

import { noGrad } from "../autograd/graph.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, shapesEqual } from "../tensor/shape.js";
import { type Tensor, Tensor as TensorClass } from "../tensor/tensor.js";

/** Predicted classes: argmax over the last dim of scores, or the int32 tensor itself. */
function classes(op: string, predOrScores: Tensor): Tensor {
  if (predOrScores.dtype === "int32") return predOrScores;
  if (predOrScores.ndim < 1) throw new ShapeError(`${op}: scores need a class dim, got ${fmt(predOrScores.shape)}.`);
  return noGrad(() => predOrScores.argmax(-1));
}

/**
 * Fraction of correct predictions. `predOrScores` is int32 class indices or float scores
 * [..., C] (argmax taken over the last dim); `target` int32 with the prediction's shape.
 * @example tl.metrics.accuracy(tl.tensor([[0.1, 0.9], [0.8, 0.2]]), tl.tensor([1, 1])) // => 0.5
 */
export function accuracy(predOrScores: Tensor, target: Tensor): number {
  const p = classes("accuracy", predOrScores);
  if (!shapesEqual(p.shape, target.shape))
    throw new ShapeError(`accuracy: predictions ${fmt(p.shape)} and targets ${fmt(target.shape)} differ in shape.`);
  if (p.numel() === 0) throw new ValueError("accuracy: no predictions to score.");
  let hit = 0;
  for (let i = 0; i < p.numel(); i++) if (p.storage[i] === target.storage[i]) hit++;
  return hit / p.numel();
}

/**
 * counts[t][p] = how many samples of true class t were predicted as p (rows: truth, as
 * sklearn's confusion_matrix). numClasses defaults to 1 + the largest label seen.
 */
export function confusionMatrix(predOrScores: Tensor, target: Tensor, numClasses?: number): Tensor {
  const p = classes("confusionMatrix", predOrScores);
  if (!shapesEqual(p.shape, target.shape))
    throw new ShapeError(`confusionMatrix: predictions ${fmt(p.shape)} and targets ${fmt(target.shape)} differ in shape.`);
  const labels = [...p.storage, ...target.storage];
  const C = numClasses ?? Math.max(0, ...labels) + 1;
  const bad = labels.find((v) => v < 0 || v >= C || !Number.isInteger(v));
  if (bad !== undefined)
    throw new ValueError(`confusionMatrix: label ${bad} is outside [0, ${C - 1}]. Pass numClasses, or fix the labels.`);
  const counts = new Int32Array(C * C);
  for (let i = 0; i < p.numel(); i++) counts[target.storage[i]! * C + p.storage[i]!]!++;
  return new TensorClass(counts, [C, C]);
}

function pairs(op: string, pred: Tensor, target: Tensor): [ArrayLike<number>, ArrayLike<number>] {
  if (!shapesEqual(pred.shape, target.shape))
    throw new ShapeError(
      `${op}: predictions ${fmt(pred.shape)} and targets ${fmt(target.shape)} differ in shape; reshape one so they match element for element.`,
    );
  if (pred.numel() === 0) throw new ValueError(`${op}: no predictions to score.`);
  return [pred.storage, target.storage];
}

/**
 * Mean absolute error.
 * @example tl.metrics.mae(tl.tensor([1, 2]), tl.tensor([2, 4])) // => 1.5
 */
export function mae(pred: Tensor, target: Tensor): number {
  const [a, b] = pairs("mae", pred, target);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/**
 * Root mean squared error.
 * @example tl.metrics.rmse(tl.tensor([0, 0]), tl.tensor([3, 4])) // => 3.5355339059327378
 */
export function rmse(pred: Tensor, target: Tensor): number {
  const [a, b] = pairs("rmse", pred, target);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
}
