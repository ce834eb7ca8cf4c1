// The public call an error belongs to. Composite ops (losses, embedding, pad, the RNN layers...)
// are built from other ops, and a check that fails inside one of those names the inner op:
// mseLoss on int32 input used to fail with "mean: ...", a message about a call the user never
// made. An op that users call directly runs its body through asOp(name, ...): the outermost
// such call is the user's, and any library error escaping it is re-attributed to that name,
// keeping the inner op's text (it still says what went wrong) and saying which inner op raised it.

import { TensorloomError } from "./errors.js";

let outer: string | null = null;

/** The public op the user called (the outermost asOp), or null outside any. */
export function currentOp(): string | null {
  return outer;
}

/** The leading "<op>: " of a library message ("mean: ...", "nn.LSTM: ...", "F.pad: ..."). */
const PREFIX = /^([A-Za-z_][\w.]*): /;

/**
 * Run `fn` as the public op `name`. Nested calls cost one comparison; only the outermost call
 * catches, and only library errors are rewritten (a TypeError from a bug stays as it is).
 */
export function asOp<T>(name: string, fn: () => T): T {
  if (outer !== null) return fn();
  outer = name;
  try {
    return fn();
  } catch (e) {
    throw attribute(e, name);
  } finally {
    outer = null;
  }
}

/** e with its message starting "<name>: ", naming the inner op that raised it. */
export function attribute(e: unknown, name: string): unknown {
  if (!(e instanceof TensorloomError)) return e;
  const m = PREFIX.exec(e.message);
  if (m && m[1] === name) return e;
  const old = e.message;
  const body = m ? old.slice(m[0].length) : old;
  const next = m ? `${name}: ${body.replace(/\.$/, "")} (raised by ${m[1]} inside ${name}).` : `${name}: ${body}`;
  // the stack's first line was formatted from the old message (V8 formats it on first read)
  const stack = e.stack;
  e.message = next;
  if (typeof stack === "string") e.stack = stack.replace(old, next);
  return e;
}
