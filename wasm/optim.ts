// Fused optimizer updates: one pass over the parameter, its gradient and its state instead of a
// dozen elementwise passes (optim/adam.ts composes the same update from primitives). Every
// operation is a separate f32 op in the composite's order, so the result is bit-identical to it.

/**
 * Adam/AdamW on elements [i0, i1). h points at f32 hyper-parameters: β₁, 1−β₁, β₂, 1−β₂, ε,
 * stepSize, √(1−β₂ᵗ), λ (coupled decay), 1−lr·λ (decoupled decay).
 */
export function adamRange(i0: i32, i1: i32, p: usize, g: usize, m: usize, v: usize, op: usize, om: usize, ov: usize, h: usize): void {
  const b1 = load<f32>(h), c1 = load<f32>(h, 4), b2 = load<f32>(h, 8), c2 = load<f32>(h, 12);
  const eps = load<f32>(h, 16), step = load<f32>(h, 20), bc2 = load<f32>(h, 24), wd = load<f32>(h, 28), decay = load<f32>(h, 32);
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(b2), vc2 = f32x4.splat(c2);
  const veps = f32x4.splat(eps), vstep = f32x4.splat(step), vbc2 = f32x4.splat(bc2), vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let gv = v128.load(g + o);
    if (wd != 0) gv = f32x4.add(gv, f32x4.mul(pv, vwd));
    const mv = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(gv, vc1));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(gv, gv), vc2));
    v128.store(om + o, mv);
    v128.store(ov + o, vv);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
    const base = decay != 1 ? f32x4.mul(pv, vdecay) : pv;
    v128.store(op + o, f32x4.sub(base, f32x4.mul(f32x4.div(mv, denom), vstep)));
  }
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
