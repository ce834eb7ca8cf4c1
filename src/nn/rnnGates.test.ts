// onStep reports LSTM gates i, f, g, o and GRU gates r, z, n per layer, direction and step:
// detached [B, H] tensors that reproduce h and c by the cell equations and equal PyTorch's gate
// math (test/fixtures/rnn_gates.json from scripts/fixtures/make_gate_refs.py, float64, fixed seed).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as tl from "../index.js";
import {
  BACKENDS,
  type FixtureTensor,
  type FloatType,
  LOCAL_FIXTURE_DIR,
  TOL,
  assertClose,
  fromFixture,
} from "../../test/support/fixtures.js";

const nn = tl.nn;

interface GateStep {
  layer: number;
  direction: 0 | 1;
  t: number;
  gates: Record<string, FixtureTensor>;
  h: FixtureTensor;
  c?: FixtureTensor;
}
interface GateCase {
  name: string;
  mode: "LSTM" | "GRU";
  args: { input_size: number; hidden_size: number; num_layers: number; bidirectional: boolean };
  state_dict: Record<string, FixtureTensor>;
  input: FixtureTensor;
  h0: FixtureTensor;
  c0?: FixtureTensor;
  output: FixtureTensor;
  steps: GateStep[];
}

const fixture = JSON.parse(readFileSync(resolve(LOCAL_FIXTURE_DIR, "rnn_gates.json"), "utf8")) as { cases: GateCase[] };
const key = (l: number, d: number, t: number): string => `${l}/${d}/${t}`;

/** Run a layer with onStep, returning the reported steps by layer/direction/time. */
function collect(
  m: tl.nn.LSTM | tl.nn.GRU,
  x: tl.Tensor,
  h0: tl.Tensor,
  c0: tl.Tensor | null,
  opts: tl.nn.RecurrentForwardOptions = {},
): { out: tl.Tensor; steps: Map<string, tl.nn.StepInfo> } {
  const steps = new Map<string, tl.nn.StepInfo>();
  const onStep = (s: tl.nn.StepInfo) => {
    steps.set(key(s.layer, s.direction, s.t), s);
  };
  const out = m instanceof nn.LSTM ? m.forward(x, [h0, c0!], { ...opts, onStep })[0] : m.forward(x, h0, { ...opts, onStep })[0];
  return { out, steps };
}

const close = (a: tl.Tensor, b: tl.Tensor, tol: number, label: string): void => {
  const d = a.sub(b).abs().max().item();
  assert.ok(d <= tol, `${label}: max difference ${d}`);
};

/** Checks every step's gates reproduce its h (and c) from the previous state by the cell equations. */
function checkEquations(
  mode: "LSTM" | "GRU",
  steps: Map<string, tl.nn.StepInfo>,
  L: number,
  D: number,
  T: number,
  h0: tl.Tensor,
  c0: tl.Tensor | null,
  tol: number,
  wHr?: (l: number, d: number) => tl.Tensor,
): void {
  for (let l = 0; l < L; l++) {
    for (let d = 0; d < D; d++) {
      let h = h0.select(0, l * D + d),
        c = c0?.select(0, l * D + d) ?? null;
      for (let k = 0; k < T; k++) {
        const t = d === 0 ? k : T - 1 - k;
        const s = steps.get(key(l, d, t))!;
        const g = s.gates!;
        assert.equal(g.kind, mode);
        for (const v of Object.values(g)) if (typeof v !== "string") assert.equal(v.requiresGrad, false);
        const label = `l${l} d${d} t${t}`;
        if (g.kind === "LSTM") {
          const c1 = g.f.mul(c!).add(g.i.mul(g.g));
          close(c1, s.c!, tol, `${label} c' = f c + i g`);
          let h1 = g.o.mul(c1.tanh());
          if (wHr) h1 = h1.matmul(wHr(l, d).t());
          close(h1, s.h, tol, `${label} h' = o tanh(c')`);
          c = s.c!;
        } else {
          close(tl.sub(1, g.z).mul(g.n).add(g.z.mul(h)), s.h, tol, `${label} h' = (1 - z) n + z h`);
        }
        h = s.h;
      }
    }
  }
}

for (const backend of BACKENDS) {
  describe(`onStep gates on ${backend}`, () => {
    for (const dtype of ["float64", "float32"] as FloatType[]) {
      for (const c of fixture.cases) {
        it(`${c.name} ${dtype}: gates equal PyTorch's gate math and reproduce h, c`, () => {
          tl.setBackend(backend);
          const a = c.args;
          const opts = { numLayers: a.num_layers, bidirectional: a.bidirectional, dtype };
          const m = c.mode === "LSTM" ? new nn.LSTM(a.input_size, a.hidden_size, opts) : new nn.GRU(a.input_size, a.hidden_size, opts);
          m.loadStateDict(Object.fromEntries(Object.entries(c.state_dict).map(([k, v]) => [k, fromFixture(v, dtype)])));
          const x = fromFixture(c.input, dtype),
            h0 = fromFixture(c.h0, dtype),
            c0 = c.c0 ? fromFixture(c.c0, dtype) : null;
          const { out, steps } = collect(m, x, h0, c0);
          assertClose(out, c.output, TOL[dtype], `${c.name} output`);
          // the fused path (no onStep) gives the same output
          const fused = m instanceof nn.LSTM ? m.forward(x, [h0, c0!])[0] : m.forward(x, h0)[0];
          assertClose(fused, c.output, TOL[dtype], `${c.name} fused output`);
          assert.equal(steps.size, c.steps.length);
          for (const ref of c.steps) {
            const s = steps.get(key(ref.layer, ref.direction, ref.t))!;
            const label = `${c.name} [${dtype}] l${ref.layer} d${ref.direction} t${ref.t}`;
            const g = s.gates! as unknown as Record<string, tl.Tensor>;
            assert.deepEqual(
              Object.keys(g)
                .filter((k) => k !== "kind")
                .sort(),
              Object.keys(ref.gates).sort(),
            );
            for (const [name, want] of Object.entries(ref.gates)) assertClose(g[name], want, TOL[dtype], `${label} gate ${name}`);
            assertClose(s.h, ref.h, TOL[dtype], `${label} h`);
            if (ref.c) assertClose(s.c, ref.c, TOL[dtype], `${label} c`);
          }
          const T = x.shape[0]!;
          checkEquations(c.mode, steps, a.num_layers, a.bidirectional ? 2 : 1, T, h0, c0, dtype === "float64" ? 1e-12 : 1e-5);
        });
      }
    }

    it("random geometries (batchFirst, projSize, requiresGrad): gates [B, H], detached, cell equations hold", () => {
      tl.setBackend(backend);
      tl.manualSeed(11);
      for (const [T, B, F, H, L, bi, proj] of [
        [3, 1, 2, 3, 1, false, 0],
        [4, 3, 1, 5, 2, true, 2],
        [2, 2, 3, 2, 3, true, 0],
      ] as [number, number, number, number, number, boolean, number][]) {
        const D = bi ? 2 : 1,
          P = proj || H;
        for (const mode of ["LSTM", "GRU"] as const) {
          if (mode === "GRU" && proj) continue;
          const m =
            mode === "LSTM"
              ? new nn.LSTM(F, H, { numLayers: L, bidirectional: bi, batchFirst: true, projSize: proj, dtype: "float64" })
              : new nn.GRU(F, H, { numLayers: L, bidirectional: bi, batchFirst: true, dtype: "float64" });
          const x = tl.randn([B, T, F], { dtype: "float64", requiresGrad: true });
          const h0 = tl.randn([L * D, B, P], { dtype: "float64" }),
            c0 = mode === "LSTM" ? tl.randn([L * D, B, H], { dtype: "float64" }) : null;
          const { out, steps } = collect(m, x, h0, c0);
          assert.equal(steps.size, L * D * T);
          for (const s of steps.values()) {
            for (const [k, v] of Object.entries(s.gates!)) if (k !== "kind") assert.deepEqual((v as tl.Tensor).shape, [B, H]);
          }
          const wHr = proj ? (l: number, d: number) => m.stateDict()[`weight_hr_l${l}${d ? "_reverse" : ""}`]! : undefined;
          checkEquations(mode, steps, L, D, T, h0, c0, 1e-12, wHr);
          out.sum().backward(); // reading the gates left the graph intact
          assert.ok(x.grad);
        }
      }
    });
  });
}

describe("gates through truncatedBptt", () => {
  it("onStep of truncatedBptt sees the gates with t over the whole input", () => {
    tl.manualSeed(12);
    const m = new nn.GRU(2, 3);
    const seen: [number, readonly number[]][] = [];
    nn.truncatedBptt(m, tl.randn([5, 1, 2]), {
      chunkSize: 2,
      loss: (o) => o.sum(),
      onStep: (s) => seen.push([s.t, s.gates!.kind === "GRU" ? s.gates!.z.shape : []]),
    });
    assert.deepEqual(
      seen,
      [0, 1, 2, 3, 4].map((t) => [t, [1, 3]]),
    );
  });
});
