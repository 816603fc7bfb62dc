const transform = {
  "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }],
  // openid-client 6 and its dependencies ship only ES modules: compiled to CommonJS for Jest's runtime.
  "^.+\\.js$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
};
const transformIgnorePatterns = ["/node_modules/(?!(?:\\.pnpm/)?(?:openid-client|oauth4webapi|jose)[@/])"];

/**
 * Two projects: everything on the Express server, and the protocol suites (test/api, test/reliability)
 * once more on the web-standard `fetch` handler — one source of tests for both adapters.
 * @type {import('jest').Config}
 */
module.exports = {
  testTimeout: 30000,
  projects: [
    { displayName: "express", testEnvironment: "node", roots: ["<rootDir>/src", "<rootDir>/test"], testMatch: ["**/*.test.ts"], transform, transformIgnorePatterns },
    {
      displayName: "fetch",
      testEnvironment: "node",
      roots: ["<rootDir>/test"],
      testMatch: ["<rootDir>/test/api/**/*.test.ts", "<rootDir>/test/reliability/**/*.test.ts"],
      setupFiles: ["<rootDir>/test/helpers/use-fetch-adapter.ts"],
      transform,
      transformIgnorePatterns,
    },
  ],
};
