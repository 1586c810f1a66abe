// What the Chromium tests share: Debian's headless Chromium (never a downloaded one), a static file
// server with or without cross-origin isolation (COOP/COEP), and a pixel comparison for screenshots.

import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { chromium, type Browser } from "playwright-core";

export const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
const MIME: Record<string, string> = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
  ".wasm": "application/wasm", ".map": "application/json", ".css": "text/css",
};

/** What a misconfigured server answers for some paths instead of the file. */
export type Override = (path: string) => { status: number; type: string; body: string } | undefined;

/** A static file server for `dir` (with COOP/COEP headers when `isolated`); 404s like a real one. */
export async function serve(dir: string, isolated: boolean, override?: Override): Promise<{ url: string; close(): void }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    const o = override?.(path);
    if (o) return void res.writeHead(o.status, { "Content-Type": o.type, ...(isolated ? ISOLATION : {}) }).end(o.body);
    readFile(join(dir, path)).then(
      (body) => res.writeHead(200, { "Content-Type": MIME[extname(path)] ?? "application/octet-stream", ...(isolated ? ISOLATION : {}) }).end(body),
      () => res.writeHead(404, { "Content-Type": "text/html" }).end("<!doctype html><p>not found</p>"),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

function chromiumPath(): string {
  if (process.env["CHROMIUM"]) return process.env["CHROMIUM"];
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("no chromium on PATH: apt-get install -y chromium (Debian), or set CHROMIUM to its path");
  }
}

/** Debian's chromium (or $CHROMIUM), headless. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
}

/** Decodes two PNGs (base64) in the page and counts pixels whose colour differs by more than 40 in a channel. */
export const PIXEL_DIFF = `async ([a, b]) => {
  const decode = async (s) => {
    const bmp = await createImageBitmap(new Blob([Uint8Array.from(atob(s), (c) => c.charCodeAt(0))], { type: "image/png" }));
    const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext("2d");
    ctx.drawImage(bmp, 0, 0);
    return ctx.getImageData(0, 0, bmp.width, bmp.height);
  };
  const [x, y] = [await decode(a), await decode(b)];
  if (x.width !== y.width || x.height !== y.height) return { differ: -1, total: 0, size: x.width + "x" + x.height + " vs " + y.width + "x" + y.height };
  let differ = 0;
  for (let i = 0; i < x.data.length; i += 4)
    if (Math.max(Math.abs(x.data[i] - y.data[i]), Math.abs(x.data[i + 1] - y.data[i + 1]), Math.abs(x.data[i + 2] - y.data[i + 2])) > 40) differ++;
  return { differ, total: x.width * x.height };
}`;

