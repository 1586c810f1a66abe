// optim.Rprop and optim.ASGD against torch 1.13 (tools/fixtures/optim_more.py): float32 trajectories
// over 12 steps, the final state (torch's keys; ASGD's ax, eta, mu), state-dict round trips, errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { optim, zeros, type Tensor } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { decode, fixture, type FixtureTensor } from "./helpers.js";

interface Problem { W: FixtureTensor; b: FixtureTensor; x: FixtureTensor; y: FixtureTensor }
interface Case {
  opt: "Rprop" | "ASGD"; label: string; options: Record<string, unknown>; groups: Record<string, unknown>[] | null;
  traj: [FixtureTensor, FixtureTensor][]; state: Record<string, Record<string, number | FixtureTensor>>; groupKeys: string[];
}
const fx = fixture<{ problem: Problem; cases: Case[] }>("optim/more.json");
const CLASSES = { Rprop: optim.Rprop, ASGD: optim.ASGD };

function problem() {
  const W = decode(fx.problem.W, { requiresGrad: true }), b = decode(fx.problem.b, { requiresGrad: true });
  const x = decode(fx.problem.x), y = decode(fx.problem.y);
  return { W, b, loss: () => x.matmul(W).add(b).sub(y).square().sum().add(W.sin().sum()) };
}

function build(c: Case, W: Tensor, b: Tensor, options = c.options): optim.Optimizer {
  const params = c.groups ? [{ params: [W], ...c.groups[0] }, { params: [b], ...c.groups[1] }] : [W, b];
  return new CLASSES[c.opt](params as never, options);
}

function run(opt: optim.Optimizer, loss: () => Tensor, n: number, each?: (i: number) => void): void {
  for (let i = 0; i < n; i++) {
    opt.zeroGrad();
    loss().backward();
    opt.step();
    each?.(i);
  }
}

const TOL = { rtol: 1e-5, atol: 1e-6 };
const camel = (k: string): string => k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

describe("optim.Rprop / optim.ASGD match torch 1.13 (float32, 12 steps)", () => {
  for (const c of fx.cases)
    it(`${c.opt} ${c.label}`, () => {
      const { W, b, loss } = problem();
      const opt = build(c, W, b);
      run(opt, loss, c.traj.length, (i) => {
        assertClose(W, decode(c.traj[i]![0]), TOL, `${c.opt} (${c.label}) W after step ${i + 1}`);
        assertClose(b, decode(c.traj[i]![1]), TOL, `${c.opt} (${c.label}) b after step ${i + 1}`);
      });
      // the state under torch's keys, with torch's values (ASGD's averaged ax, its float32 eta and mu)
      const sd = opt.stateDict();
      for (const [i, s] of Object.entries(c.state)) {
        const mine = sd.state[Number(i)]!;
        assert.deepEqual(Object.keys(mine).sort(), Object.keys(s).sort());
        for (const [k, v] of Object.entries(s)) {
          if (typeof v === "number") assert.ok(Math.abs((mine[k] as number) - v) <= 1e-7 * Math.abs(v), `${k}: ${String(mine[k])} vs torch ${v}`);
          else assertClose(mine[k] as Tensor, decode(v), TOL, `state ${i} '${k}'`);
        }
      }
      const keys = c.groupKeys.filter((k) => k !== "params" && k !== "foreach").map(camel).sort();
      assert.deepEqual(Object.keys(sd.paramGroups[0]!).filter((k) => k !== "params").sort(), keys);
    });
});

describe("optim.Rprop / optim.ASGD: state dicts, positionals, errors", () => {
  for (const c of fx.cases.filter((k) => k.label === "lambd+alpha+t0+wd" || k.label === "two groups"))
    it(`${c.opt} ${c.label}: 5 steps, save, load into a fresh optimizer, 5 more = 10 uninterrupted`, () => {
      const full = problem();
      run(build(c, full.W, full.b), full.loss, 10);
      const first = problem();
      const before = build(c, first.W, first.b);
      run(before, first.loss, 5);
      const second = problem();
      for (const [dst, src] of [[second.W, first.W], [second.b, first.b]] as const) { dst.requiresGrad = false; dst.assign(src); dst.requiresGrad = true; }
      const after = build({ ...c, groups: c.groups ? [{}, {}] : null }, second.W, second.b, {});
      after.loadStateDict(before.stateDict());
      run(after, second.loss, 5);
      assertClose(second.W, full.W, { rtol: 0, atol: 0 }, "W");
      assertClose(second.b, full.b, { rtol: 0, atol: 0 }, "b");
    });

  it("torch's positionals and defaults", () => {
    const p = [zeros([2], { requiresGrad: true })];
    assert.deepEqual(new optim.Rprop(p).defaults, { lr: 0.01, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false });
    assert.deepEqual(new optim.Rprop(p, 0.1, [0.4, 1.5], [1e-3, 1]).defaults, { lr: 0.1, etas: [0.4, 1.5], stepSizes: [1e-3, 1], maximize: false });
    assert.deepEqual(new optim.ASGD(p).defaults, { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false });
    assert.deepEqual(new optim.ASGD(p, 0.1, 0.01, 0.5, 10, 0.2).defaults, { lr: 0.1, lambd: 0.01, alpha: 0.5, t0: 10, weightDecay: 0.2, maximize: false });
  });

  it("errors name the optimizer and the option", () => {
    const p = [zeros([2], { requiresGrad: true })];
    assert.throws(() => new optim.Rprop(p, { etas: [1.5, 1.2] }), /Rprop: invalid etas 1.5,1.2; expected \[etaminus, etaplus\] with 0 < etaminus < 1 < etaplus/);
    assert.throws(() => new optim.Rprop(p, { stepSizes: [1, 0.1] }), /Rprop: invalid stepSizes/);
    assert.throws(() => new optim.Rprop(p, -1), /Rprop: invalid lr -1/);
    assert.throws(() => new optim.Rprop(p, { step_sizes: [0, 1] } as never), /optim.Rprop: unknown option 'step_sizes' \(did you mean 'stepSizes'\?\)/);
    assert.throws(() => new optim.ASGD(p, { weightDecay: -0.1 }), /ASGD: invalid weightDecay -0.1/);
    assert.throws(() => new optim.ASGD(p, { weight_decay: 0.1 } as never), /optim.ASGD: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/);
  });
});
