// The playground's Vite config: "myelin" is this repository's build (dist/src, made by `npm run
// build`), and the pages are served cross-origin isolated so the wasm backend runs on Web Workers.
import { fileURLToPath } from "node:url";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default {
  root: here("."),
  resolve: { alias: { myelin: here("../dist/src/index.js") } },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    rollupOptions: { input: { index: here("index.html"), classify: here("classify.html"), activations: here("activations.html"), race: here("race.html"), digit: here("digit.html"), textgen: here("textgen.html"), attention: here("attention.html") } },
  },
};
