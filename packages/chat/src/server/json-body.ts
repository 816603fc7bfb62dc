import express, { type RequestHandler } from "express";
import { HttpError } from "./http-error";

/** Deeper JSON is refused: recursive code (signing, logging, persistence) must not overflow the stack. */
export const MAX_JSON_DEPTH = 64;

const JSON_TYPES = ["application/json", "application/*+json"];

/**
 * Reads a JSON body: size-limited, `__proto__` keys dropped (they are how prototype pollution gets
 * in through merges), nesting bounded. A body that is not JSON is 415; malformed JSON is 400.
 */
export function jsonBody(limit: string | number): RequestHandler[] {
  const readText = express.text({ type: JSON_TYPES, limit, defaultCharset: "utf-8" });
  const parse: RequestHandler = (req, _res, next) => {
    if (typeof req.body !== "string") {
      if (hasBody(req.headers)) return next(new HttpError(415, "Content-Type must be application/json"));
      req.body = undefined;
      return next();
    }
    try {
      req.body = parseJson(req.body);
    } catch (error) {
      return next(new HttpError(400, `Malformed JSON body: ${(error as Error).message}`));
    }
    if (jsonDepth(req.body) > MAX_JSON_DEPTH) return next(new HttpError(422, `JSON nesting deeper than ${MAX_JSON_DEPTH} levels`));
    next();
  };
  return [readText, parse];
}

/** JSON.parse, dropping `__proto__` keys. The reviver (slow) runs only when such a key could be present. */
export function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  // Any "__proto__" key is spelled literally or with \u escapes.
  if (!text.includes("proto") && !text.includes("\\u")) return JSON.parse(text);
  return JSON.parse(text, (key, value) => (key === "__proto__" ? undefined : value));
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers["transfer-encoding"] !== undefined || Number(headers["content-length"] ?? 0) > 0;
}

/** Nesting depth, iteratively (a recursive walk would itself overflow on hostile input). */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth > max) max = depth;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return max;
}
