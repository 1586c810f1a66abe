// Which backend new tensors are created on. The reference CPU backend is always available; faster
// ones register themselves when they load (see backend/wasm).

import type { Backend } from "./backend.js";
import { CpuBackend } from "./cpu.js";

const backends = new Map<string, Backend>();
const cpu = new CpuBackend();
backends.set(cpu.name, cpu);
let current: Backend = cpu;

/** Makes a backend selectable by name with setBackend. */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}

/** The backend that creation functions (tensor, zeros, randn, …) use. */
export function getBackend(): Backend {
  return current;
}

/** Selects the default backend by name or instance. Existing tensors stay where they are. */
export function setBackend(b: string | Backend): Backend {
  if (typeof b !== "string") {
    registerBackend(b);
    current = b;
    return b;
  }
  const found = backends.get(b);
  if (!found) throw new Error(`setBackend: unknown backend '${b}' (available: ${[...backends.keys()].join(", ")})`);
  current = found;
  return found;
}

/**
 * A registered backend by name: in myelin a device is a backend ('cpu', 'wasm'). `where` names the
 * caller in the error for an unknown one.
 */
export function backendByName(name: string, where = "device"): Backend {
  const found = typeof name === "string" ? backends.get(name) : undefined;
  if (!found) {
    const shown = typeof name === "string" ? `'${name}'` : String(name);
    throw new Error(`${where}: unknown device ${shown}; the devices here are the backends ${[...backends.keys()].map((k) => `'${k}'`).join(", ")}`);
  }
  return found;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}
