// query: a small, safe expression language for filters, as pandas' DataFrame.query. The text is
// tokenized and parsed here (recursive descent) and evaluated with Series methods: no eval, no
// Function, no property access; only column names, literals and the operators below.
//
//   expr := or;  or := and (("or" | "|") and)*;  and := not (("and" | "&") not)*
//   not  := ("not" | "~") not | cmp;  cmp := sum ((== != < <= > >=) sum)* | sum ["not"] "in" list
//   sum  := prod (("+" | "-") prod)*;  prod := unary (("*" | "/" | "%") unary)*
//   unary := "-" unary | atom ["**" unary];  atom := number | 'text' | "text" | name | `any name` | true | false | ( expr )

import type { Scalar } from "../column.js";
import { FrameError } from "../errors.js";
import type { Series } from "../series.js";
import type { DataFrame } from "../table.js";
import { seriesClass } from "../frames.js";

type Tok = { kind: "num" | "str" | "name" | "op" | "end"; text: string; value?: number | string; at: number };
type Val = Series | Scalar | Scalar[];

/** Each arithmetic operator as a Series method, and its value between two constants. */
const ARITH: Record<string, readonly ["add" | "sub" | "mul" | "div" | "mod" | "pow", (x: number, y: number) => number]> = {
  "+": ["add", (x, y) => x + y],
  "-": ["sub", (x, y) => x - y],
  "*": ["mul", (x, y) => x * y],
  "/": ["div", (x, y) => x / y],
  "%": ["mod", (x, y) => x - Math.floor(x / y) * y],
  "**": ["pow", (x, y) => x ** y],
};

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw new FrameError(`query: ${msg} at position ${i} of ${JSON.stringify(src)}.`);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) fail("a malformed number");
      out.push({ kind: "num", text: m![0], value: Number(m![0]), at });
      i += m![0].length;
    } else if (c === "'" || c === '"' || c === "`") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) fail(`an unclosed ${c}`);
      const text = src.slice(i + 1, end);
      out.push({ kind: c === "`" ? "name" : "str", text, value: text, at });
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i))!;
      out.push({ kind: "name", text: m[0], at });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      const op = ["==", "!=", "<=", ">=", "**"].includes(two) ? two : "<>+-*/%()[],&|~".includes(c) ? c : null;
      if (op === null) fail(`unexpected character ${JSON.stringify(c)}`);
      out.push({ kind: "op", text: op!, at });
      i += op!.length;
    }
  }
  out.push({ kind: "end", text: "", at: src.length });
  return out;
}

/** Evaluate a query expression to a bool Series over the frame's rows. */
export function evaluateQuery(df: DataFrame, src: string): Series {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p]!;
  const isWord = (w: string) => peek().kind === "name" && peek().text === w;
  const isOp = (o: string) => peek().kind === "op" && peek().text === o;
  const fail = (msg: string): never => {
    throw new FrameError(
      `query: ${msg} at position ${peek().at} of ${JSON.stringify(src)}. Write it with column names, constants, ( ), + - * / % **, comparisons (chained too: 1 < a < 5), in [...], and, or, not.`,
    );
  };
  const series = (v: Val, what: string): Series => {
    if (v instanceof seriesClass()) return v;
    return fail(`${what} needs a column on one side, got the constant ${JSON.stringify(v)}`);
  };
  // a constant on the left becomes a column of it first (b * 0 + a), so the Series method applies
  const arith = (op: string, a: Val, b: Val): Val => {
    const [method, fold] = ARITH[op]!;
    if (a instanceof seriesClass()) return a[method](b as Series | number);
    if (b instanceof seriesClass())
      return b
        .mul(0)
        .add(a as number)
        [method](b);
    return fold(a as number, b as number);
  };

  const atom = (): Val => {
    const t = peek();
    if (t.kind === "num" || t.kind === "str") {
      p++;
      return t.value as Scalar;
    }
    if (isOp("(")) {
      p++;
      const v = or();
      if (!isOp(")")) fail("a missing )");
      p++;
      return v;
    }
    if (t.kind === "name") {
      p++;
      if (t.text === "true" || t.text === "True") return true;
      if (t.text === "false" || t.text === "False") return false;
      return df.col(t.text);
    }
    return fail(t.kind === "end" ? "the expression ends too early" : `unexpected ${JSON.stringify(t.text)}`);
  };
  const unary = (): Val => {
    if (isOp("-")) {
      p++;
      const v = unary();
      return v instanceof seriesClass() ? v.neg() : -(v as number);
    }
    // ** binds tighter than a unary minus on its left and groups to the right, as Python: -2 ** 2 is -4
    const v = atom();
    if (!isOp("**")) return v;
    p++;
    return arith("**", v, unary());
  };
  const prod = (): Val => {
    let v = unary();
    while (isOp("*") || isOp("/") || isOp("%")) {
      const op = peek().text;
      p++;
      v = arith(op, v, unary());
    }
    return v;
  };
  const sum = (): Val => {
    let v = prod();
    while (isOp("+") || isOp("-")) {
      const op = peek().text;
      p++;
      v = arith(op, v, prod());
    }
    return v;
  };
  const list = (): Scalar[] => {
    if (!isOp("[") && !isOp("(")) fail('"in" needs a list such as [1, 2]');
    const close = peek().text === "[" ? "]" : ")";
    p++;
    const out: Scalar[] = [];
    while (!isOp(close)) {
      const v = unary();
      if (v instanceof seriesClass() || Array.isArray(v)) fail("a list holds constants only");
      out.push(v as Scalar);
      if (isOp(",")) p++;
      else if (!isOp(close)) fail(`a missing ${close}`);
    }
    p++;
    return out;
  };
  const cmp = (): Val => {
    const a = sum();
    if (isWord("in") || (isWord("not") && toks[p + 1]?.text === "in")) {
      const negate = isWord("not");
      p += negate ? 2 : 1;
      const m = series(a, "in").isin(list());
      return negate ? m.not() : m;
    }
    const ops: Record<string, "eq" | "ne" | "lt" | "le" | "gt" | "ge"> = {
      "==": "eq",
      "!=": "ne",
      "<": "lt",
      "<=": "le",
      ">": "gt",
      ">=": "ge",
    };
    const flip: Record<string, "eq" | "ne" | "lt" | "le" | "gt" | "ge"> = { eq: "eq", ne: "ne", lt: "gt", le: "ge", gt: "lt", ge: "le" };
    // a chain (1 < a <= b) is each neighbouring pair, all true, as Python
    let left = a,
      out: Series | null = null;
    while (peek().kind === "op" && peek().text in ops) {
      const op = ops[peek().text]!;
      p++;
      const b = sum();
      const m = left instanceof seriesClass() ? left[op](b as Series | Scalar) : series(b, `${op}`)[flip[op]!](left as Scalar);
      out = out ? out.and(m) : m;
      left = b;
    }
    return out ?? a;
  };
  const not = (): Val => {
    if (isWord("not") || isOp("~")) {
      p++;
      return series(not(), "not").not();
    }
    return cmp();
  };
  const and = (): Val => {
    let v = not();
    while (isWord("and") || isOp("&")) {
      p++;
      v = series(v, "and").and(series(not(), "and"));
    }
    return v;
  };
  const or = (): Val => {
    let v = and();
    while (isWord("or") || isOp("|")) {
      p++;
      v = series(v, "or").or(series(and(), "or"));
    }
    return v;
  };
  const result = or();
  if (peek().kind !== "end") fail(`unexpected ${JSON.stringify(peek().text)}`);
  if (!(result instanceof seriesClass()) || result.dtype !== "bool")
    throw new FrameError(
      `query: ${JSON.stringify(src)} is not a condition (it gives ${result instanceof seriesClass() ? `a ${result.dtype} column` : "a constant"}). Compare something, e.g. "qty > 50".`,
    );
  return result;
}
