// The largest tensor tensorloom will allocate. Without a limit `zeros([1, 1e9])` or
// `randn([65536, 65536])` run until the machine is out of memory (typed arrays commit their
// pages as they are filled), and shapes above 2^32 elements end in a raw RangeError from the
// typed-array constructor. Every storage comes from allocStorage (tensor/dtype.ts), which
// checks the count here before allocating, so the error names the user's op and the shape.
//
// Default 2^28 elements: 1 GiB as float32, 2 GiB as float64. A training step keeps several
// tensors of an input's size alive at once (activations, gradients, optimizer moments), so a
// single tensor above ~1-2 GiB already exhausts a typical 8-16 GiB machine.

import { ShapeError, ValueError } from "./errors.js";
import { currentOp } from "./opContext.js";
import { type Shape, fmt } from "./shape.js";

/** The default element limit per tensor (2^28): allocating more throws a ValueError naming the op and shape; change it with setMaxElements. PyTorch has no such limit. */
export const DEFAULT_MAX_ELEMENTS = 2 ** 28;
/** What the platform can hold at all: V8's typed arrays stop at 2^32 elements. */
const PLATFORM_MAX = 2 ** 32;

let maxElements = DEFAULT_MAX_ELEMENTS;

/**
 * Set the most elements one tensor may have (default 2^28 = 268,435,456: 1 GiB as float32).
 * Raise it on a machine with the memory; it cannot exceed 2^32, the typed-array limit.
 * Returns the previous limit, so a caller can restore it.
 * @example tl.setMaxElements(tl.getMaxElements()) // => 268435456
 */
export function setMaxElements(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > PLATFORM_MAX) {
    throw new ValueError(`setMaxElements: the limit must be an integer in [1, ${PLATFORM_MAX}] (2^32, the typed-array limit), got ${n}.`);
  }
  const prev = maxElements;
  maxElements = n;
  return prev;
}

/**
 * The current element limit (see setMaxElements).
 * @example tl.getMaxElements() // => 268435456
 */
export function getMaxElements(): number {
  return maxElements;
}

const count = (n: number): string => n.toLocaleString("en-US");

/** Throws unless a tensor of `n` elements (of `shape`, when known) may be allocated. */
export function checkElements(n: number, shape?: Shape): void {
  if (n <= maxElements) return;
  const op = currentOp() ?? "allocate";
  const what = shape ? `shape ${fmt(shape)} holds ${count(n)} elements` : `a tensor of ${count(n)} elements`;
  const over =
    n > PLATFORM_MAX
      ? `more than 2^32, the most a typed array can hold`
      : `more than the limit of ${count(maxElements)} per tensor that keeps the process from running out of memory`;
  const fix =
    n > PLATFORM_MAX
      ? "Use a smaller shape, or split the work into chunks."
      : "Use a smaller shape or split the work; if the machine has the memory, raise the limit with tl.setMaxElements(n).";
  throw new ShapeError(`${op}: ${what}, ${over}. ${fix}`);
}
