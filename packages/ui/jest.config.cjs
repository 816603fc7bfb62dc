/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/src"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
  transform: {
    "^.+\\.tsx?$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript", tsx: true }, transform: { react: { runtime: "automatic", importSource: "preact" } } } }],
    // marked ships ESM only; Jest runs CommonJS, so swc converts it.
    "^.+\\.m?js$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "ecmascript" } } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(\\.pnpm|marked)/)"],
  testTimeout: 20000,
};
