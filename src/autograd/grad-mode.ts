// Whether operations record themselves on the tape. noGrad/enableGrad scope it, like torch.no_grad.

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

function withMode<T>(on: boolean, fn: () => T, name: string): T {
  const prev = enabled;
  enabled = on;
  try {
    const result = fn();
    if (result instanceof Promise)
      throw new Error(`${name}: the function returned a Promise; grad mode only covers synchronous code, so await outside it`);
    return result;
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` without recording gradients (torch.no_grad). Results do not require grad. */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn, "noGrad");
}

/** Runs `fn` with gradient recording on, even inside noGrad (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn, "enableGrad");
}
