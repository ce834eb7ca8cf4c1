// node:test for a browser bundle (test/browser/webgpu.ts): describe runs its body at once and
// it() registers each case with its suite's name; the page runs the cases it selects.
type Body = () => unknown;

/** A registered case: its suite names (outermost first), its name, its body. */
export interface RegisteredCase {
  suite: string[];
  name: string;
  fn: Body;
}

export const registered: RegisteredCase[] = [];
const stack: string[] = [];

function args(a: unknown, b: unknown): Body | undefined {
  return (typeof a === "function" ? a : b) as Body | undefined;
}

export function describe(name: string, a?: unknown, b?: unknown): void {
  const fn = args(a, b);
  stack.push(name);
  try {
    fn?.();
  } finally {
    stack.pop();
  }
}

export function it(name: string, a?: unknown, b?: unknown): void {
  const fn = args(a, b);
  if (fn) registered.push({ suite: stack.slice(), name, fn });
}

const noop = (): void => {};
describe.skip = noop;
describe.only = describe;
it.skip = noop;
it.only = it;
it.todo = noop;
export const test = it;
export const suite = describe;
export const before = noop;
export const after = noop;
export const beforeEach = noop;
export const afterEach = noop;
export default { describe, it, test, suite, before, after, beforeEach, afterEach };
