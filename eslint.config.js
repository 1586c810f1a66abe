// Lint: typescript-eslint's type-checked rules, plus the import directions of STYLE.md §5.1
// (backend ← core ← nn, optim, data ← train ← cli) and no Node built-ins in platform-neutral code.
import tseslint from "typescript-eslint";

const nodeOnly = { group: ["node:*"], message: "src/ is platform-neutral; Node-only code lives in src/cli, a node/ folder or a node*.ts module" };
const layer = (folder, banned) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: ["src/**/node*.ts", "src/**/node/**", "src/**/*.test.ts"],
  rules: {
    "no-restricted-imports": ["error", {
      patterns: [nodeOnly, ...banned.map((b) => ({ group: [`**/${b}/*`, `../${b}/*`], message: `${folder}/ must not import ${b}/ (STYLE.md §5.1)`, allowTypeImports: true }))],
    }],
  },
});

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "wasm/", "playground/dist/", "**/*.js", "!bench/*.js", "bench/results/"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true, allowArray: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    // the bench scripts are plain JavaScript (bench/tsconfig.json puts them in a project): every
    // JSON.parse and backend-specific call (ready(), liveBytes) is `any` there, so the no-unsafe-* family only flags JS itself
    files: ["bench/*.js", "bench/*.mjs"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // node:test's test()/describe() return promises the runner itself awaits
    files: ["test/**/*.ts", "src/**/*.test.ts"],
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**", "src/**/node*.ts", "src/**/node/**", "src/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [nodeOnly] }] },
  },
  layer("backend", ["nn", "optim", "data", "train", "io", "cli", "ops", "autograd"]),
  layer("nn", ["optim", "data", "train", "cli", "io"]),
  layer("optim", ["nn", "data", "train", "cli", "io"]),
  layer("data", ["nn", "optim", "train", "cli"]),
  layer("train", ["cli"]),
  layer("models", ["cli", "train", "data", "io"]),
);
