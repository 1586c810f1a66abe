// Tensor gradient hooks (torch.Tensor.register_hook, register_post_accumulate_grad_hook): kept here,
// per tensor in a WeakMap, and run by the backward walk through the one seam `gradHooks` in
// autograd/tape.ts, so the core holds no hook storage.

import { gradHooks } from "../autograd/tape.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { installMethods } from "./methods.js";

/** What the register*Hook functions return: remove() takes the hook off again (torch.utils.hooks.RemovableHandle). */
export interface RemovableHandle {
  remove(): void;
}

type GradHook = (grad: Tensor) => Tensor | void | undefined | null;
type PostAccumulateHook = (tensor: Tensor) => void;

declare module "../tensor.js" {
  interface Tensor {
    /**
     * Calls hook(grad) every time the gradient with respect to this tensor is computed in a
     * backward pass (backward() or grad(), leaf or not); a returned tensor of the same shape, dtype
     * and device replaces the gradient, undefined keeps it. Hooks run in registration order; for a
     * leaf before the gradient is added to .grad, for a non-leaf before it flows on (retainGrad keeps
     * the hooked gradient). Under createGraph the hook's own ops are recorded, so it can be
     * differentiated again. Matches torch.Tensor.register_hook.
     * @example const h = x.registerHook((g) => g.mul(2)); y.backward(); h.remove();
     */
    registerHook(hook: GradHook): RemovableHandle;
    /**
     * Calls hook(tensor) after backward() has added this leaf's gradient to its .grad (so `tensor.grad`
     * is the new total). Matches torch.Tensor.register_post_accumulate_grad_hook.
     */
    registerPostAccumulateGradHook(hook: PostAccumulateHook): RemovableHandle;
  }
}

/** Each tensor's hooks by kind, and how many it holds (also held by `collected`, which must not hold the tensor). */
interface Hooks {
  grad: Map<object, GradHook>;
  post: Map<object, PostAccumulateHook>;
  count: { n: number; collected: boolean };
}
const byTensor = new WeakMap<Tensor, Hooks>();
/** Hooks on all tensors: while there are none the walk skips the seam (and keeps its allocation scope). */
let live = 0;

function setLive(delta: number): void {
  live += delta;
  gradHooks.run = live > 0 ? runGradHooks : null;
  gradHooks.accumulated = live > 0 ? runPostHooks : null;
}

// A tensor dropped with hooks still on it (a hook on an activation made in every forward) stops
// counting when it is collected, so the walk goes back to freeing its temporaries in a scope.
const collected = new FinalizationRegistry<Hooks["count"]>((c) => {
  c.collected = true;
  setLive(-c.n);
});

function addHook<H>(t: Tensor, kind: "grad" | "post", hook: H, where: string): RemovableHandle {
  if (typeof hook !== "function") throw new TypeError(`${where}: expected a function, got ${typeof hook}`);
  let hooks = byTensor.get(t);
  if (!hooks) {
    hooks = { grad: new Map(), post: new Map(), count: { n: 0, collected: false } };
    byTensor.set(t, hooks);
    collected.register(t, hooks.count);
  }
  const key = {}, map = hooks[kind] as Map<object, H>, count = hooks.count;
  map.set(key, hook);
  count.n++;
  setLive(1);
  return {
    remove: () => {
      if (!map.delete(key) || count.collected) return;
      count.n--;
      setLive(-1);
    },
  };
}

function runGradHooks(t: Tensor, g: Tensor): Tensor {
  const hooks = byTensor.get(t)?.grad;
  if (!hooks) return g;
  let i = 0;
  for (const hook of hooks.values()) {
    const r = hook(g);
    if (r != null) {
      if (!(r instanceof Tensor) || !shapesEqual(r.shape, g.shape) || r.dtype !== g.dtype || r.device !== g.device)
        throw new Error(
          `registerHook: hook ${i} ('${hook.name || "anonymous"}') returned ${r instanceof Tensor ? `a ${r.dtype} tensor of shape ${fmtShape(r.shape)} on '${r.device}'` : typeof r} ` +
            `for the gradient of a ${g.dtype} tensor of shape ${fmtShape(g.shape)} on '${g.device}'; return a tensor of that shape, dtype and device, or undefined`,
        );
      g = r;
    }
    i++;
  }
  return g;
}

function runPostHooks(t: Tensor): void {
  for (const hook of byTensor.get(t)?.post.values() ?? []) hook(t);
}

installMethods({
  registerHook(this: Tensor, hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) throw new Error(`registerHook: cannot register a hook on a tensor ${fmtShape(this.shape)} that does not require grad`);
    return addHook(this, "grad", hook, "registerHook");
  },
  registerPostAccumulateGradHook(this: Tensor, hook: PostAccumulateHook): RemovableHandle {
    if (!this.isLeaf) throw new Error(`registerPostAccumulateGradHook: only leaf tensors have a .grad to accumulate into; this one is the output of '${this.gradFn!.op}'`);
    if (!this.requiresGrad) throw new Error(`registerPostAccumulateGradHook: cannot register a hook on a tensor ${fmtShape(this.shape)} that does not require grad`);
    return addHook(this, "post", hook, "registerPostAccumulateGradHook");
  },
});
