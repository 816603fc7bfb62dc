/**
 * The text a state signature covers, written exactly as Python Ragbits writes it before signing:
 * `json.dumps(state, sort_keys=True)` — keys sorted by code point at every level, ", " and ": "
 * separators, every character outside printable ASCII escaped as `\uXXXX` (ensure_ascii, surrogate
 * pairs for characters beyond the BMP).
 *
 * The rule for values: **a state is signed as it travels** — in the form `JSON.stringify` gives it on
 * the wire, and as Python reads that JSON back. Formally, for any state `s`:
 *
 *     canonicalJson(s) === python: json.dumps(json.loads(JSON.stringify(s)), sort_keys=True)
 *
 * which means:
 * - `toJSON()` applies (a Date is its ISO string), properties holding `undefined`, functions or
 *   symbols are left out, and such array items are `null` — just as in the JSON the client receives
 *   and sends back, so a state always verifies against itself after a round trip.
 * - A number whose JSON text is an integer (`1`, `-0`, `1e20` → `100000000000000000000`) is written
 *   as that integer: Python reads it as an `int`. JavaScript has one number type, so `1.0` and `1` are
 *   the same value here; a state that crossed a JavaScript client carries no trace of "float-ness".
 * - Every other number (fractions, and magnitudes of 1e21 and more, which JSON writes with an
 *   exponent) is a Python `float`, written with Python's `repr`: the same shortest round-trip digits
 *   as JavaScript, but an exponent below 1e-4 and from 1e16 on, with at least two exponent digits
 *   (`1e-07`, `1.5e+16`, `1e+21`), and a trailing `.0` where a fixed-point float has no fraction.
 * - NaN and ±Infinity are refused (TypeError): JSON cannot carry them (`JSON.stringify` would turn
 *   them into `null`, silently changing the app's state). BigInts and cycles are refused too.
 *
 * Consequences for mixed deployments sharing a key (Python Ragbits and this server):
 * - Anything this server signs verifies on a Python server after it crossed any client.
 * - A state signed by Python verifies here unless it holds floats with integral values (Python
 *   signed `1.0`, JSON.parse gives `1`) or integers beyond ±2^53 (JSON.parse rounds them).
 */
export function canonicalJson(value: unknown): string {
  const wireText = JSON.stringify(value, refuseNonFinite);
  // Top-level undefined (no state at all) is JSON's absence of a value; Python's None.
  if (wireText === undefined) return "null";
  return pythonDumps(JSON.parse(wireText) as JsonValue);
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function refuseNonFinite(key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(`state${key ? ` key "${key}"` : ""} holds ${value}: JSON cannot carry NaN or Infinity, so such a state cannot be signed (store null or a string instead)`);
  }
  return value;
}

function pythonDumps(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(", ")}]`;
  const keys = Object.keys(value).sort(byCodePoint);
  return `{${keys.map((key) => `${pythonString(key)}: ${pythonDumps(value[key]!)}`).join(", ")}}`;
}

/** Python sorts str keys by code point; JavaScript's default sort compares UTF-16 units (🙂 < ｡). */
function byCodePoint(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = left[index]!.codePointAt(0)! - right[index]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** ensure_ascii: JSON's escapes, then everything outside printable ASCII (including DEL) as \uXXXX. */
function pythonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** How Python writes the number it parses from this number's JSON text (int or float repr). */
function pythonNumber(value: number): string {
  const jsonText = JSON.stringify(value);
  if (/^-?\d+$/.test(jsonText)) return jsonText;
  return pythonFloatRepr(value);
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (which `toExponential()` gives too),
 * in scientific notation when the decimal exponent is below -4 or 16 and above.
 */
function pythonFloatRepr(value: number): string {
  const sign = value < 0 ? "-" : "";
  const [mantissa, exponentText] = Math.abs(value).toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const digits = mantissa.replace(".", "");
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || "0"}`;
}
