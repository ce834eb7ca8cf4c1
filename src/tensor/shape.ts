// Shape arithmetic shared by every op: sizes, row-major strides, dim normalisation, broadcasting.
// Pure functions on number arrays; no tensors here.

import { IndexError, ShapeError } from "./errors.js";

export type Shape = readonly number[];

export const fmt = (s: Shape): string => `[${s.join(", ")}]`;

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * [outer, size, inner] around dim d: the element counts before, along and after it, as the
 * kernels that run along one dim take them.
 */
export function outerSizeInner(shape: Shape, d: number): [number, number, number] {
  return [numelOf(shape.slice(0, d)), shape[d]!, numelOf(shape.slice(d + 1))];
}

/** Row-major (C order) strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i]!;
  }
  return st;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Wrap a possibly negative dim into [0, ndim). A 0-d tensor accepts dims -1 and 0, as in PyTorch. */
export function normDim(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(`${op}: dim ${dim} is out of range for a tensor with ${ndim} dims; it must be in [${-n}, ${n - 1}].`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalise a dim list (undefined = all dims), sorted, rejecting repeats. */
export function normDims(op: string, dims: number | readonly number[] | undefined, ndim: number): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === "number" ? [dims] : dims;
  const out = list.map((d) => normDim(op, d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new IndexError(`${op}: dim ${d} appears more than once in [${list.join(", ")}]. List each dim once.`);
    seen.add(d);
  }
  return out.sort((a, b) => a - b);
}

/** NumPy broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = nd - s.length + i;
      const d = s[i]!;
      if (d === out[o]) continue;
      if (out[o] === 1) out[o] = d;
      else if (d !== 1) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmt).join(" and ")} cannot be broadcast: dim ${o - nd} is ${out[o]} in one and ${d} in another. ` +
            `Broadcasting aligns trailing dims and needs each pair equal or one of them 1; reshape or unsqueeze one operand.`,
        );
      }
    }
  }
  return out;
}

/** Strides of `shape` seen as broadcast to `outShape`: 0 on broadcast dims, aligned right. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const st = stridesOf(shape);
  const out = new Array<number>(outShape.length).fill(0);
  const off = outShape.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : st[i]!;
  return out;
}

export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}. Pass e.g. [2, 3].`);
  }
  return shape.slice();
}
