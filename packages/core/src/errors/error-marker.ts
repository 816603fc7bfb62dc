/**
 * Error classes recognisable across copies of @ragbits/core. `instanceof` fails when two copies
 * are loaded (the ESM and CommonJS builds side by side, a bundled CLI, two versions in
 * node_modules), so each class puts a registry symbol, `Symbol.for("@ragbits/core.<ClassName>")`,
 * on its prototype. Subclass instances inherit their parents' markers through the prototype chain:
 * an LLMRateLimitError carries the LLMRateLimitError, LLMStatusError and LLMError markers.
 */
export function errorMarker(className: string): symbol {
  return Symbol.for(`@ragbits/core.${className}`);
}

/** Marks a class's prototype (call it from the class's static block). */
export function markClass(target: { prototype: object }, marker: symbol): void {
  Object.defineProperty(target.prototype, marker, { value: true });
}

/** Whether `value` is an instance of the class that owns `marker`, from whichever copy of the package. */
export function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}
