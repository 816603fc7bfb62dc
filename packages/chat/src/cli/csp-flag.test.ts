import { InvalidArgumentError } from "commander";
import { parseCspFlag } from "./csp-flag";

describe("--csp <policy>", () => {
  it.each([
    ["strict", { kind: "strict" }],
    ["Relaxed", { kind: "relaxed" }],
    [" off ", { kind: "off" }],
    ["default-src 'self'; script-src 'self' https://cdn.example; upgrade-insecure-requests", { kind: "policy", policy: "default-src 'self'; script-src 'self' https://cdn.example; upgrade-insecure-requests" }],
    ["script-src-elem 'self'; frame-ancestors 'none';", { kind: "policy", policy: "script-src-elem 'self'; frame-ancestors 'none';" }],
  ])("%p", (value, expected) => {
    expect(parseCspFlag(value)).toEqual(expected);
  });

  it.each([
    ["stict", /"stict" is not a directive/],
    ["default-src 'self'; scirpt-src 'self'", /"scirpt-src" is not a directive/],
    ["", /expected strict, relaxed, off, or a policy/],
    ["default-src 'self'\nset-cookie: a=1", /one line/],
  ])("refuses %p", (value, message) => {
    expect(() => parseCspFlag(value)).toThrow(InvalidArgumentError);
    expect(() => parseCspFlag(value)).toThrow(message);
  });
});
