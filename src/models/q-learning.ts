// Tabular Q-learning (Watkins 1989) and deck 001's path task: the states Start, Idle, Correct path,
// Wrong path and End, and the four actions ↑ ↓ → ←.

import { tensor } from "../ops/creation.js";
import { checkOptionNames } from "../options.js";
import type { Generator } from "../random.js";
import { defaultGenerator } from "../random.js";
import type { Tensor } from "../tensor.js";

export interface StepResult {
  state: number;
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

/** An episodic environment with numbered states and actions. */
export interface Environment {
  readonly nStates: number;
  readonly nActions: number;
  reset(): number;
  /**
   * Takes action a; returns the next state, the reward, whether a terminal state was reached and
   * whether the episode was cut short by a time limit (Gymnasium's terminated / truncated).
   */
  step(a: number): StepResult;
}

export type PathCell = "Start" | "Idle" | "Correct path" | "Wrong path" | "End";

/**
 * Deck 001's path task (seeds/001_*.txt, "Data view: Learning Paradigm": a table of the states
 * Start, Idle, Correct path, Wrong path, End against the actions ↑ ↓ → ←). The deck gives only the
 * table, so the layout is ours: a 3 × `length` grid whose middle row is the path from Start (left) to
 * End (right) through Correct path cells; the row above is Idle (reward 0, time wasted), the row below
 * is Wrong path (reward −1). Reaching End pays +10 and ends the episode; walking into the border
 * leaves the agent where it is. Actions: 0 ↑, 1 ↓, 2 →, 3 ←. State s = row · length + column.
 */
export class PathTask implements Environment {
  static readonly ACTIONS = ["↑", "↓", "→", "←"] as const;
  readonly nActions = 4;
  readonly nStates: number;
  readonly start: number;
  #s = 0;
  #steps = 0;
  constructor(readonly length = 5, readonly maxSteps = 50) {
    if (!Number.isInteger(length) || length < 2) throw new Error(`PathTask: expected a path length ≥ 2, got ${length}`);
    this.nStates = 3 * length;
    this.start = length;
  }

  /** The deck's name of state s. */
  cell(s: number): PathCell {
    const row = Math.floor(s / this.length), col = s % this.length;
    if (row === 0) return "Idle";
    if (row === 2) return "Wrong path";
    return col === 0 ? "Start" : col === this.length - 1 ? "End" : "Correct path";
  }

  reset(): number {
    this.#steps = 0;
    return (this.#s = this.start);
  }

  step(a: number): StepResult {
    if (!Number.isInteger(a) || a < 0 || a > 3) throw new Error(`PathTask.step: expected an action 0..3 (↑ ↓ → ←), got ${a}`);
    let row = Math.floor(this.#s / this.length), col = this.#s % this.length;
    if (a === 0) row = Math.max(0, row - 1);
    else if (a === 1) row = Math.min(2, row + 1);
    else if (a === 2) col = Math.min(this.length - 1, col + 1);
    else col = Math.max(0, col - 1);
    this.#s = row * this.length + col;
    this.#steps++;
    const cell = this.cell(this.#s);
    const reward = cell === "End" ? 10 : cell === "Wrong path" ? -1 : 0;
    return { state: this.#s, reward, terminated: cell === "End", truncated: this.#steps >= this.maxSteps };
  }
}

export interface QLearningOptions {
  /** Learning rate α. */
  lr?: number;
  /** Discount γ. */
  gamma?: number;
  /** Exploration rate ε of the ε-greedy behaviour policy. */
  epsilon?: number;
  generator?: Generator;
}

/**
 * Tabular Q-learning (C. Watkins, "Learning from delayed rewards", PhD thesis, Cambridge 1989;
 * Sutton and Barto, "Reinforcement Learning", 2nd ed., §6.5): act ε-greedily and after each step
 * Q(s, a) ← Q(s, a) + α [r + γ maxₐ' Q(s', a') − Q(s, a)] (no bootstrap from a terminal s').
 * `q` is the table [nStates, nActions] as a float32 tensor. Runs on plain arrays: one transition at
 * a time touches one entry, so there is nothing for tensor kernels to batch.
 */
export class QLearning {
  readonly table: Float64Array;
  readonly lr: number;
  readonly gamma: number;
  readonly epsilon: number;
  readonly #g: Generator;
  constructor(readonly nStates: number, readonly nActions: number, opts: QLearningOptions = {}) {
    checkOptionNames("models.QLearning", opts, ["lr", "gamma", "epsilon", "generator"]);
    ({ lr: this.lr = 0.5, gamma: this.gamma = 0.9, epsilon: this.epsilon = 0.2 } = opts);
    this.#g = opts.generator ?? defaultGenerator;
    this.table = new Float64Array(nStates * nActions);
  }

  /** The Q-table [nStates, nActions]. */
  get q(): Tensor {
    return tensor(Float32Array.from(this.table), { shape: [this.nStates, this.nActions] });
  }

  /** argmaxₐ Q(s, a), the lowest action on ties. */
  greedy(s: number): number {
    let best = 0;
    for (let a = 1; a < this.nActions; a++) if (this.table[s * this.nActions + a]! > this.table[s * this.nActions + best]!) best = a;
    return best;
  }

  /** ε-greedy: a random action with probability ε (ties among greedy actions broken at random too). */
  act(s: number): number {
    if (this.#g.random() < this.epsilon) return Math.floor(this.#g.random() * this.nActions);
    const row = this.table.subarray(s * this.nActions, (s + 1) * this.nActions);
    const max = Math.max(...row);
    const best = [...row.keys()].filter((a) => row[a] === max);
    return best[Math.floor(this.#g.random() * best.length)]!;
  }

  /** The Q-learning update for one transition. */
  update(s: number, a: number, r: number, next: number, terminated: boolean): void {
    const i = s * this.nActions + a;
    const target = terminated ? r : r + this.gamma * Math.max(...this.table.subarray(next * this.nActions, (next + 1) * this.nActions));
    this.table[i]! += this.lr * (target - this.table[i]!);
  }

  /** Runs `episodes` episodes in env, learning as it goes; returns each episode's total reward. */
  train(env: Environment, episodes: number): number[] {
    const returns: number[] = [];
    for (let e = 0; e < episodes; e++) {
      let s = env.reset(), total = 0, done = false;
      while (!done) {
        const a = this.act(s);
        const out = env.step(a);
        this.update(s, a, out.reward, out.state, out.terminated);
        total += out.reward;
        s = out.state;
        done = out.terminated || out.truncated;
      }
      returns.push(total);
    }
    return returns;
  }

  /** Follows the greedy policy from reset() for at most maxSteps; returns the visited states. */
  rollout(env: Environment, maxSteps = 100): number[] {
    const path = [env.reset()];
    for (let t = 0; t < maxSteps; t++) {
      const out = env.step(this.greedy(path.at(-1)!));
      path.push(out.state);
      if (out.terminated || out.truncated) break;
    }
    return path;
  }
}
