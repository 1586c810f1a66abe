// Pictures for run folders: a grey-scale or RGB PNG encoder (node:zlib for the deflate), image grids
// of [N, H·W] pixel rows, and an SVG scatter plot of 2-D point sets.

import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/**
 * An 8-bit PNG (PNG spec, ISO/IEC 15948: filter 0 per row) of values in [0, 1]: grey-scale (IHDR
 * colour type 0) with one value per pixel, or RGB (colour type 2) with `channels` 3, interleaved.
 */
export function encodePng(pixels: ArrayLike<number>, width: number, height: number, channels: 1 | 3 = 1): Buffer {
  if (pixels.length !== width * height * channels) throw new Error(`encodePng: ${pixels.length} values for ${width}×${height}${channels === 3 ? "×3" : ""}`);
  const row = width * channels;
  const raw = Buffer.alloc((row + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < row; x++) raw[y * (row + 1) + 1 + x] = Math.round(255 * Math.min(1, Math.max(0, pixels[y * row + x]!)));
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; compression, filter and interlace 0
  ihdr[9] = channels === 3 ? 2 : 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))]);
}

/** A PNG grid of `images` (flat rows of side×side pixels in [0, 1]), `cols` per row, 2-pixel gaps, scaled up by `scale`. */
export function imageGridPng(images: Float32Array | number[], side: number, cols: number, scale = 2): Buffer {
  const n = Math.floor(images.length / (side * side));
  const rows = Math.ceil(n / cols);
  const cell = side + 2;
  const w = cols * cell * scale;
  const h = rows * cell * scale;
  const out = new Float32Array(w * h).fill(0.5);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < side * scale; y++)
      for (let x = 0; x < side * scale; x++) {
        const v = images[i * side * side + Math.floor(y / scale) * side + Math.floor(x / scale)]!;
        out[(Math.floor(i / cols) * cell * scale + scale + y) * w + (i % cols) * cell * scale + scale + x] = v;
      }
  return encodePng(out, w, h);
}

/** An SVG scatter plot of point sets ([x0, y0, x1, y1, …] each) in distinct colours, with a legend. */
export function scatterSvg(title: string, sets: { name: string; points: ArrayLike<number>; color: string }[]): string {
  const all = sets.flatMap((s) => Array.from(s.points));
  const xs = all.filter((_, i) => i % 2 === 0);
  const ys = all.filter((_, i) => i % 2 === 1);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const W = 480;
  const px = (x: number): number => 20 + ((x - x0) / (x1 - x0 || 1)) * (W - 40);
  const py = (y: number): number => W - 20 - ((y - y0) / (y1 - y0 || 1)) * (W - 60);
  const dots = sets.map((s) => {
    const c: string[] = [];
    for (let i = 0; i + 1 < s.points.length; i += 2) c.push(`<circle cx="${px(s.points[i]!).toFixed(1)}" cy="${py(s.points[i + 1]!).toFixed(1)}" r="1.5"/>`);
    return `<g fill="${s.color}" fill-opacity="0.5">${c.join("")}</g>`;
  });
  const legend = sets.map((s, i) => `<text x="${(20 + (i * (W - 40)) / sets.length).toFixed(0)}" y="34" fill="${s.color}" font-size="12">● ${s.name}</text>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${W}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="20" y="16" font-size="13">${title}</text>${legend}${dots.join("")}</svg>\n`;
}
