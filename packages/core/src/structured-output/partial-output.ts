import { Allow, parse } from "partial-json";
import { unwrap } from "./parse-output";

/**
 * Numbers stay out until complete (a partial `12` of `125` would be a wrong value, not a short
 * one); strings, arrays and objects grow as they arrive.
 */
const ALLOWED_PARTIAL = Allow.ALL & ~Allow.NUM;

/**
 * Follows a structured answer as its JSON streams in and tells when the partial value changed.
 * partial-json (a small, dependency-free parser of incomplete JSON) re-reads the text so far on
 * every chunk; a chunk that adds nothing visible (whitespace, a key still being written) yields
 * nothing.
 */
export class PartialOutput {
  private text = "";
  /** Where the JSON starts (a prompted model may open with a sentence or a code fence); -1 until seen. */
  private start = -1;
  private last: unknown = undefined;
  private hasValue = false;

  constructor(private readonly wrapped: boolean) {}

  /** The latest partial value, `undefined` before the first one. */
  get current(): unknown {
    return this.last;
  }

  /** Adds a chunk of the answer; returns the new partial value when it changed, else `undefined`. */
  push(chunk: string): unknown {
    this.text += chunk;
    if (this.start < 0) {
      this.start = this.text.search(/[[{]/);
      if (this.start < 0) return undefined;
    }
    let value: unknown;
    try {
      value = parse(this.start === 0 ? this.text : this.text.slice(this.start), ALLOWED_PARTIAL);
    } catch {
      // Malformed so far (or nothing parseable yet): the final parse reports it properly.
      return undefined;
    }
    if (this.wrapped) {
      if (!value || typeof value !== "object" || !("value" in value)) return undefined;
      value = unwrap(value);
    }
    if (this.hasValue && deepEqual(value, this.last)) return undefined;
    this.hasValue = true;
    this.last = value;
    return value;
  }
}

/** Structural equality of JSON values (what partial-json returns: plain objects, arrays, primitives). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    // The last element is the one that grows: compare from the end.
    for (let index = a.length - 1; index >= 0; index--) if (!deepEqual(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (let index = aKeys.length - 1; index >= 0; index--) {
    const key = aKeys[index]!;
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
