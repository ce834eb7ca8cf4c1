// Elementwise ops against PyTorch (test/fixtures/elementwise.json, made by
// scripts/fixtures/make_core_refs.py): broadcasting binary ops, unary functions, clamp and
// where, forward and gradients, on every backend in float64 and float32.

import * as tl from "../index.js";
import { type FixtureCase, LOCAL_FIXTURE_DIR, describeFixtures } from "../../test/support/fixtures.js";

type Binary = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "atan2" | "remainder";
type Unary = "exp" | "log" | "log1p" | "expm1" | "sqrt" | "rsqrt" | "abs" | "sin" | "cos" | "erf";

const binary: readonly string[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "remainder"] satisfies Binary[];
const unary: readonly string[] = ["exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "abs", "sin", "cos", "erf"] satisfies Unary[];

function elementwise(c: FixtureCase, ins: Record<string, tl.Tensor>): tl.Tensor {
  const op = c.call.replace(/^torch\./, "");
  const a = c.args as { alpha?: number; exponent?: number; other?: number; min?: number | null; max?: number | null };
  const x = ins.input!;
  if (op === "add" || op === "sub") return x[op](ins.other!, a.alpha ?? 1);
  if (op === "pow" && a.exponent !== undefined) return x.pow(a.exponent); // torch.pow(input, scalar)
  if (op === "remainder" && a.other !== undefined) return x.remainder(a.other);
  if (binary.includes(op)) return x[op as Binary](ins.other!);
  if (unary.includes(op)) return x[op as Unary]();
  if (op === "clamp") return x.clamp(a.min, a.max);
  if (op === "where") return tl.where(ins.condition!, x, ins.other!);
  throw new Error(`no mapping for ${c.call}`);
}

describeFixtures("elementwise", elementwise, LOCAL_FIXTURE_DIR);
