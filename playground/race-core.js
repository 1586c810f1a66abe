// The optimizer race's model: loss surfaces (Rosenbrock, Beale, a saddle) written with myelin ops
// so autograd gives the gradients, and every optimizer of the course stepping one point [x, y].
// Plain math versions draw the contours. Importable in Node (tools) and in the page.
import { optim, tensor } from "myelin";

export const SURFACES = {
  rosenbrock: {
    title: "Rosenbrock: (1 − x)² + 100(y − x²)²",
    f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    t: (x, y) => x.neg().add(1).pow(2).add(y.sub(x.pow(2)).pow(2).mul(100)),
    domain: [[-2, 2], [-1, 3]],
    start: [-1.4, 2.4],
    minimum: [1, 1],
    lr: { SGD: 0.001, Momentum: 0.0003, Nesterov: 0.0003, AdaGrad: 0.5, AdaDelta: 10, RMSProp: 0.02, Adam: 0.1, AdaBelief: 0.1, Yogi: 0.1, NovoGrad: 0.05, LAMB: 0.05, Lookahead: 0.1 },
  },
  beale: {
    title: "Beale: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
    f: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2,
    t: (x, y) => {
      const term = (c, k) => x.mul(y.pow(k)).sub(x).add(c).pow(2);
      return term(1.5, 1).add(term(2.25, 2)).add(term(2.625, 3));
    },
    domain: [[-1, 4.5], [-1.75, 3.75]],
    start: [0.7, 1.4],
    minimum: [3, 0.5],
    lr: { SGD: 0.005, Momentum: 0.002, Nesterov: 0.002, AdaGrad: 0.5, AdaDelta: 5, RMSProp: 0.01, Adam: 0.05, AdaBelief: 0.05, Yogi: 0.05, NovoGrad: 0.05, LAMB: 0.05, Lookahead: 0.05 },
  },
  saddle: {
    title: "Saddle: x² − y²",
    f: (x, y) => x * x - y * y,
    t: (x, y) => x.pow(2).sub(y.pow(2)),
    domain: [[-2, 2], [-2, 2]],
    start: [-1.8, 0.001],
    minimum: null,
    lr: { SGD: 0.02, Momentum: 0.01, Nesterov: 0.01, AdaGrad: 0.1, AdaDelta: 1, RMSProp: 0.01, Adam: 0.02, AdaBelief: 0.02, Yogi: 0.02, NovoGrad: 0.02, LAMB: 0.02, Lookahead: 0.02 },
  },
};

/** Every optimizer of decks 000 and 002, made for one parameter with the surface's learning rate. */
export const OPTIMIZERS = {
  SGD: { color: "#555", make: (p, lr) => new optim.SGD(p, { lr }) },
  Momentum: { color: "#e6194b", make: (p, lr) => new optim.SGD(p, { lr, momentum: 0.9 }) },
  Nesterov: { color: "#f58231", make: (p, lr) => new optim.SGD(p, { lr, momentum: 0.9, nesterov: true }) },
  AdaGrad: { color: "#3cb44b", make: (p, lr) => new optim.Adagrad(p, { lr }) },
  AdaDelta: { color: "#9a6324", make: (p, lr) => new optim.Adadelta(p, { lr }) },
  RMSProp: { color: "#911eb4", make: (p, lr) => new optim.RMSprop(p, { lr }) },
  Adam: { color: "#0877bd", make: (p, lr) => new optim.Adam(p, { lr }) },
  AdaBelief: { color: "#42d4f4", make: (p, lr) => new optim.AdaBelief(p, { lr }) },
  Yogi: { color: "#f032e6", make: (p, lr) => new optim.Yogi(p, { lr }) },
  NovoGrad: { color: "#808000", make: (p, lr) => new optim.NovoGrad(p, { lr }) },
  LAMB: { color: "#000075", make: (p, lr) => new optim.LAMB(p, { lr }) },
  COCOB: { color: "#bfef45", make: (p) => new optim.COCOB(p) },
  Lookahead: { color: "#469990", make: (p, lr) => new optim.Lookahead(new optim.Adam(p, { lr })) },
};

/** A racer: one point, its optimizer and its path; step() moves it once (stops if it leaves the plot). */
export function racer(surface, name) {
  const s = SURFACES[surface];
  // two numbers per step: the reference cpu backend (float64) beats any kernel launch here
  const p = tensor(s.start, { requiresGrad: true, device: "cpu", dtype: "float64" });
  const opt = OPTIMIZERS[name].make([p], s.lr[name]);
  const path = [s.start.slice()];
  let done = false;
  return {
    name,
    path,
    get done() {
      return done;
    },
    step() {
      if (done) return;
      opt.zeroGrad();
      const [x, y] = p.split(1);
      s.t(x, y).sum().backward();
      opt.step();
      const [px, py] = p.dataSync();
      const [[x0, x1], [y0, y1]] = s.domain;
      if (!Number.isFinite(px) || !Number.isFinite(py) || px < x0 || px > x1 || py < y0 || py > y1) done = true;
      else path.push([px, py]);
    },
    loss: () => s.f(...path.at(-1)),
  };
}
