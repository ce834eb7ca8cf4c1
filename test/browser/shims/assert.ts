// node:assert/strict for a browser bundle: the assertions the fixture tests use.
export class AssertionError extends Error {}

function fail(message?: string | Error): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? "assertion failed");
}

function deepEq(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as unknown as ArrayLike<unknown>,
      y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEq(x[i], y[i])) return false;
    return true;
  }
  const ka = Object.keys(a),
    kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const show = (v: unknown): string => {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
};

function ok(v: unknown, message?: string | Error): asserts v {
  if (!v) fail(message ?? `expected a truthy value, got ${show(v)}`);
}
function equal(a: unknown, b: unknown, message?: string | Error): void {
  if (!Object.is(a, b)) fail(message ?? `${show(a)} !== ${show(b)}`);
}
function notEqual(a: unknown, b: unknown, message?: string | Error): void {
  if (Object.is(a, b)) fail(message ?? `${show(a)} === ${show(b)}`);
}
function deepEqual(a: unknown, b: unknown, message?: string | Error): void {
  if (!deepEq(a, b)) fail(`${message ? `${String(message)}: ` : ""}${show(a)} does not deep-equal ${show(b)}`);
}
function notDeepEqual(a: unknown, b: unknown, message?: string | Error): void {
  if (deepEq(a, b)) fail(message ?? `${show(a)} deep-equals ${show(b)}`);
}
function matchesExpected(e: unknown, expected: unknown): boolean {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(String((e as Error)?.message ?? e));
  if (typeof expected === "function")
    return e instanceof (expected as new () => unknown) || (expected as (e: unknown) => boolean)(e) === true;
  if (typeof expected === "object" && expected !== null) {
    return Object.entries(expected).every(([k, v]) => {
      const got = (e as Record<string, unknown>)[k];
      return v instanceof RegExp ? v.test(String(got)) : deepEq(got, v);
    });
  }
  return true;
}
function throws(fn: () => unknown, expected?: unknown, message?: string): void {
  try {
    fn();
  } catch (e) {
    if (!matchesExpected(e, expected)) fail(message ?? `the error ${String(e)} does not match ${String(expected)}`);
    return;
  }
  fail(message ?? "expected the function to throw");
}
async function rejects(p: Promise<unknown> | (() => Promise<unknown>), expected?: unknown, message?: string): Promise<void> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (!matchesExpected(e, expected)) fail(message ?? `the rejection ${String(e)} does not match ${String(expected)}`);
    return;
  }
  fail(message ?? "expected a rejection");
}
function doesNotThrow(fn: () => unknown): void {
  fn();
}
function match(s: string, re: RegExp, message?: string): void {
  if (!re.test(s)) fail(message ?? `${show(s)} does not match ${re}`);
}

const assert = Object.assign(ok, {
  ok,
  equal,
  strictEqual: equal,
  notEqual,
  notStrictEqual: notEqual,
  deepEqual,
  deepStrictEqual: deepEqual,
  notDeepEqual,
  notDeepStrictEqual: notDeepEqual,
  fail,
  throws,
  rejects,
  doesNotThrow,
  match,
  AssertionError,
  strict: undefined as unknown,
});
assert.strict = assert;
export default assert;
export { ok, equal, notEqual, deepEqual, fail, throws, rejects, match };
