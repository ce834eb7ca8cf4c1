// Error classes. Messages follow one format: "<op>: <what is wrong, with the values>. <how to fix>."

/** Base class of every error tensorloom throws on purpose. */
export class TensorloomError extends Error {
  override name = "TensorloomError";
}

/** Shapes that do not fit the op's rule. Thrown before any kernel runs. */
export class ShapeError extends TensorloomError {
  override name = "ShapeError";
}

/** A dtype the op does not accept, or a mix of dtypes that PyTorch refuses. */
export class DTypeError extends TensorloomError {
  override name = "DTypeError";
}

/** A dim or index outside its range. */
export class IndexError extends TensorloomError {
  override name = "IndexError";
}

/** Values an op refuses (NaN where forbidden, a negative size...). */
export class ValueError extends TensorloomError {
  override name = "ValueError";
}

/** Misuse of the autograd graph (second backward through a freed graph, in-place on a saved tensor...). */
export class AutogradError extends TensorloomError {
  override name = "AutogradError";
}

/** A backend lacks a kernel for this dtype or op. */
export class UnsupportedKernelError extends TensorloomError {
  override name = "UnsupportedKernelError";
}

/** A backend could not finish a kernel: a worker thread that trapped or stopped answering. */
export class BackendError extends TensorloomError {
  override name = "BackendError";
}
