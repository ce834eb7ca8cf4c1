// Error classes. Messages follow one format: "<op>: <what is wrong, with the values>. <how to fix>."

/** Base class of every error tensorloom throws on purpose. */
export class TensorloomError extends Error {
  /** The class name, "TensorloomError", as Error.name (instanceof works too; PyTorch raises RuntimeError and friends). */
  override name = "TensorloomError";
}

/** Shapes that do not fit the op's rule. Thrown before any kernel runs. */
export class ShapeError extends TensorloomError {
  /** "ShapeError", as Error.name (PyTorch raises RuntimeError for these). */
  override name = "ShapeError";
}

/** A dtype the op does not accept, or a mix of dtypes that PyTorch refuses. */
export class DTypeError extends TensorloomError {
  /** "DTypeError", as Error.name (PyTorch raises RuntimeError or TypeError for these). */
  override name = "DTypeError";
}

/** A dim or index outside its range. */
export class IndexError extends TensorloomError {
  /** "IndexError", as Error.name (PyTorch raises IndexError). */
  override name = "IndexError";
}

/** Values an op refuses (NaN where forbidden, a negative size...). */
export class ValueError extends TensorloomError {
  /** "ValueError", as Error.name (PyTorch raises ValueError or RuntimeError). */
  override name = "ValueError";
}

/** Misuse of the autograd graph (second backward through a freed graph, in-place on a saved tensor...). */
export class AutogradError extends TensorloomError {
  /** "AutogradError", as Error.name (PyTorch raises RuntimeError for these). */
  override name = "AutogradError";
}

/** A backend lacks a kernel for this dtype or op. */
export class UnsupportedKernelError extends TensorloomError {
  /** "UnsupportedKernelError", as Error.name. */
  override name = "UnsupportedKernelError";
}

/** A backend could not finish a kernel: a worker thread that trapped or stopped answering. */
export class BackendError extends TensorloomError {
  /** "BackendError", as Error.name. */
  override name = "BackendError";
}
