// Tabular Q-learning on deck 001's path task: after 200 seeded episodes the greedy policy walks
// from Start to End along the correct path in the fewest steps, never onto the wrong path.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, models } from "../src/index.js";

test("Q-learning on deck 001's path task: the greedy policy reaches End by the shortest correct path", () => {
  const env = new models.PathTask(5);
  const agent = new models.QLearning(env.nStates, env.nActions, { lr: 0.5, gamma: 0.9, epsilon: 0.2, generator: new Generator(0) });
  const untrained = agent.rollout(env, 20).map((s) => env.cell(s));
  assert.ok(!untrained.includes("End"), "an all-zero table does not find the end (↑ forever into Idle)");
  const returns = agent.train(env, 200);
  const path = agent.rollout(env, 20).map((s) => env.cell(s));
  assert.deepEqual(path, ["Start", "Correct path", "Correct path", "Correct path", "End"]);
  const first = returns.slice(0, 20).reduce((a, b) => a + b) / 20, last = returns.slice(-20).reduce((a, b) => a + b) / 20;
  assert.ok(last > first && last > 7, `mean return ${first.toFixed(2)} in the first 20 episodes → ${last.toFixed(2)} in the last 20`);
  // the learned values follow the Bellman optimality equation along the path: Q(Start, →) ≈ γ³·10
  const q = agent.q;
  assert.ok(Math.abs(q.index(env.start).index(2).item() - 0.9 ** 3 * 10) < 0.05, `Q(Start, →) = ${q.index(env.start).index(2).item()}`);
  // the deck's table, greedy action per state (column 1 of each row): on the path go →, off it come back
  const act = (s: number): string => models.PathTask.ACTIONS[agent.greedy(s)]!;
  assert.equal(env.cell(env.start), "Start");
  assert.equal(act(env.start), "→");
  assert.equal(env.cell(6), "Correct path");
  assert.equal(act(6), "→");
  assert.equal(env.cell(11), "Wrong path");
  assert.ok(["↑", "→"].includes(act(11)), `from the wrong path: ${act(11)}`);
  assert.throws(() => new models.QLearning(4, 2, { alpha: 0.1 } as never), /alpha/);
  assert.throws(() => env.step(4), /expected an action 0..3/);
});
