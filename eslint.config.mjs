import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { defineConfig, globalIgnores } from "eslint/config";

const envOnlyInLibEnv = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: "Read configuration through lib/env.ts; it is the only module that reads process.env.",
};

// A form handled by onSubmit is submitted by the browser itself when the click comes before
// hydration: without a method that is a GET, which puts every field, passwords included, in the URL.
const formMethodRequired = {
  selector:
    "JSXOpeningElement[name.name='form']:has(JSXAttribute[name.name='onSubmit']):not(:has(JSXAttribute[name.name='method']))",
  message:
    'Give a form handled by onSubmit method="post": submitted before hydration, a GET form puts its fields in the URL.',
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ["app/**", "components/**", "lib/**", "db/**", "emails/**"],
    ignores: ["lib/env.ts"],
    rules: { "no-restricted-syntax": ["error", envOnlyInLibEnv, formMethodRequired] },
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  globalIgnores([
    ".next/**",
    "node_modules/**",
    ".data/**",
    "test-results/**",
    "playwright-report/**",
    "playwright-report-dev/**",
    "reports/**",
    "bench/results/**",
    "next-env.d.ts",
  ]),
]);
