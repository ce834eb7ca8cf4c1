// The error frame operations throw. Messages follow the project format:
// "<op>: <what is wrong, naming the column and row>. <how to fix>."

import { TensorloomError } from "../tensor/errors.js";

/** Bad input to a DataFrame/Series operation: unknown column, wrong dtype, malformed file... */
export class FrameError extends TensorloomError {
  /** "FrameError", as Error.name (pandas raises KeyError, ValueError or TypeError for these). */
  override name = "FrameError";
}

/** A column name that does not exist; the message lists the ones that do and the closest match. */
export function unknownColumn(op: string, name: string, known: readonly string[]): FrameError {
  const close = closest(name, known);
  const list =
    known.length > 12
      ? `${known
          .slice(0, 12)
          .map((s) => JSON.stringify(s))
          .join(", ")}, ... (${known.length} in all)`
      : known.map((s) => JSON.stringify(s)).join(", ");
  return new FrameError(
    `${op}: no column named ${JSON.stringify(name)}. The columns are ${list || "(none)"}.${close ? ` Did you mean ${JSON.stringify(close)}?` : ""}`,
  );
}

function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined,
    bestD = Infinity;
  const lower = name.toLowerCase();
  for (const k of known) {
    if (k.toLowerCase() === lower) return k;
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** `value` when it is one of `allowed`; else an error naming the op, the option, what came and the choices. */
export function oneOf<T extends string>(op: string, what: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value))
    throw new FrameError(
      `${op}: ${what} is ${JSON.stringify(value)}, but it must be ${allowed.map((a) => JSON.stringify(a)).join(", ")} (as pandas). Pass one of those.`,
    );
  return value;
}
