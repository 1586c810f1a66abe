// Fused optimizer updates: one pass over the parameter, its gradient and its state instead of a
// dozen elementwise passes (optim/adam.ts composes the same update from primitives). Every
// operation is a separate f32 op in the composite's order, so the result is bit-identical to it.

/**
 * Adam/AdamW on elements [i0, i1). h points at f32 hyper-parameters: β₁, 1−β₁, β₂, 1−β₂, ε,
 * stepSize, √(1−β₂ᵗ), λ (coupled decay), 1−lr·λ (decoupled decay).
 */
export function adamRange(i0: i32, i1: i32, p: usize, g: usize, m: usize, v: usize, op: usize, om: usize, ov: usize, h: usize): void {
  const wd = load<f32>(h, 28), decay = load<f32>(h, 32);
  let i = i0;
  // plain Adam in a loop of its own: without the decay constants, two vectors a step fit the 16 registers
  if (wd == 0 && decay == 1) i = adamLoop(i0, i1, p, g, m, v, op, om, ov, h, false);
  i = adamLoop(i, i1, p, g, m, v, op, om, ov, h, true);
  const b1 = load<f32>(h), c1 = load<f32>(h, 4), b2 = load<f32>(h, 8), c2 = load<f32>(h, 12);
  const eps = load<f32>(h, 16), step = load<f32>(h, 20), bc2 = load<f32>(h, 24);
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    let gv = load<f32>(g + o);
    if (wd != 0) gv = gv + pv * wd;
    const mv = load<f32>(m + o) * b1 + gv * c1;
    const vv = load<f32>(v + o) * b2 + gv * gv * c2;
    store<f32>(om + o, mv);
    store<f32>(ov + o, vv);
    const base = decay != 1 ? pv * decay : pv;
    store<f32>(op + o, base - (mv / (Mathf.sqrt(vv) / bc2 + eps)) * step);
  }
}

/** The vector part of adamRange from i0, two vectors a step while 8 elements are left; returns where it stopped. */
@inline function adamLoop(i0: i32, i1: i32, p: usize, g: usize, m: usize, v: usize, op: usize, om: usize, ov: usize, h: usize, decays: bool): i32 {
  const vb1 = f32x4.splat(load<f32>(h)), vc1 = f32x4.splat(load<f32>(h, 4)), vb2 = f32x4.splat(load<f32>(h, 8)), vc2 = f32x4.splat(load<f32>(h, 12));
  const veps = f32x4.splat(load<f32>(h, 16)), vstep = f32x4.splat(load<f32>(h, 20)), vbc2 = f32x4.splat(load<f32>(h, 24));
  const wd = load<f32>(h, 28), decay = load<f32>(h, 32), vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay);
  let i = i0;
  for (; i + 8 <= i1; i += 8) {
    const o = <usize>i << 2;
    step4(p + o, g + o, m + o, v + o, op + o, om + o, ov + o, decays, wd, decay, vb1, vc1, vb2, vc2, veps, vstep, vbc2, vwd, vdecay);
    step4(p + o + 16, g + o + 16, m + o + 16, v + o + 16, op + o + 16, om + o + 16, ov + o + 16, decays, wd, decay, vb1, vc1, vb2, vc2, veps, vstep, vbc2, vwd, vdecay);
  }
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    step4(p + o, g + o, m + o, v + o, op + o, om + o, ov + o, decays, wd, decay, vb1, vc1, vb2, vc2, veps, vstep, vbc2, vwd, vdecay);
  }
  return i;
}

/** Four elements: the scalar loop's f32 operations in its order. */
@inline function step4(p: usize, g: usize, m: usize, v: usize, op: usize, om: usize, ov: usize, decays: bool, wd: f32, decay: f32, vb1: v128, vc1: v128, vb2: v128, vc2: v128, veps: v128, vstep: v128, vbc2: v128, vwd: v128, vdecay: v128): void {
  const pv = v128.load(p);
  let gv = v128.load(g);
  if (decays && wd != 0) gv = f32x4.add(gv, f32x4.mul(pv, vwd));
  const mv = f32x4.add(f32x4.mul(v128.load(m), vb1), f32x4.mul(gv, vc1));
  const vv = f32x4.add(f32x4.mul(v128.load(v), vb2), f32x4.mul(f32x4.mul(gv, gv), vc2));
  v128.store(om, mv);
  v128.store(ov, vv);
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
  const base = decays && decay != 1 ? f32x4.mul(pv, vdecay) : pv;
  v128.store(op, f32x4.sub(base, f32x4.mul(f32x4.div(mv, denom), vstep)));
}
