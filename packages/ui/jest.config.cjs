/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/src"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
  transform: {
    "^.+\\.tsx?$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript", tsx: true }, transform: { react: { runtime: "automatic", importSource: "preact" } } } }],
    // marked and preact ship ESM only; Jest runs CommonJS, so swc converts them.
    "^.+\\.m?js$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "ecmascript" } } }],
  },
  // @ragbits/chat/client from source, as vite.config.ts resolves it.
  moduleNameMapper: { "^@ragbits/chat/client$": "<rootDir>/../chat/src/client/index.ts" },
  transformIgnorePatterns: ["/node_modules/(?!(\\.pnpm|marked|preact)/)"],
  testTimeout: 20000,
};
