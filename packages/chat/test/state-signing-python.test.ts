/**
 * Signed state against the real thing: every expected text and signature below is computed by
 * Python 3 (`python3`, run by the test) the way Python Ragbits signs state —
 * `json.dumps(state, sort_keys=True)` and base64(HMAC-SHA256(secret_key.encode(), text.encode())),
 * as in ragbits-chat's `ChatInterface._sign_state` — and compared byte for byte with ours.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { StateSigner, canonicalJson } from "../src";

// A non-ASCII key: both sides must key the HMAC with its UTF-8 bytes.
const KEY = "klucz-żółw-🔑";
const signer = new StateSigner(KEY);

interface PythonSigned {
  /** What Python signs: json.dumps(state, sort_keys=True). */
  text: string;
  signature: string;
}

/** Runs a Python script with `input` as JSON on stdin and returns its JSON output. */
function python<T>(script: string, input: unknown): T {
  const result = spawnSync("python3", ["-c", script], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`python3 could not be run (it is needed for these tests): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`python3 failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

const SIGN_IN_PYTHON = `
import base64, hmac, json, sys

def sign(state, key):
    text = json.dumps(state, sort_keys=True)
    digest = hmac.new(key.encode(), text.encode(), digestmod="sha256").digest()
    return {"text": text, "signature": base64.b64encode(digest).decode()}
`;

/** Python's signature over each state as it arrives from the wire (the JSON this server sends). */
function signWireInPython(wires: string[]): PythonSigned[] {
  const script = `${SIGN_IN_PYTHON}
request = json.load(sys.stdin)
json.dump([sign(json.loads(wire), request["key"]) for wire in request["wires"]], sys.stdout)
`;
  return python<PythonSigned[]>(script, { key: KEY, wires });
}

describe("a state this server signs verifies on a Python Ragbits server (after crossing the wire)", () => {
  const states: Array<[string, unknown]> = [
    ["empty", {}],
    ["unicode", { name: "zażółć gęślą jaźń", emoji: "😀👍🏽", cjk: "漢字", rtl: "שלום", accents: "café naïve" }],
    [
      "escapes and control characters",
      { quote: '"', backslash: "\\", newline: "a\nb\r\n", tab: "\t", controls: "\u0000\u0001\b\f\u001f", del: "\u007f", nbsp: "\u00a0", slash: "/", separators: "\u2028\u2029", lone: "\ud800x\udfff", bom: "\ufeff" },
    ],
    // Code-point order, not UTF-16 order: U+FF61 sorts before U+1F600 (whose first UTF-16 unit is 0xD83D).
    ["keys in code-point order", { b: 1, a: 2, B: 3, "": 4, ą: 5, "｡": 6, "😀": 7, "10": 8, "9": 9, aa: 10, "a\u0000": 11 }],
    ["nested", { a: { c: [1, { z: null, y: [true, false] }], b: {} }, list: [[], {}, [[["deep"]]]], count: 3 }],
    [
      "integers (Python ints)",
      { zero: 0, negativeZero: -0, one: 1, minus: -1, int32: 2 ** 31, maxSafe: 2 ** 53 - 1, beyondSafe: 2 ** 53 + 2, twoTo60: 2 ** 60, e16: 1e16, e20: 1e20, big: 123456789012345680000, integralFloat: 1.0 },
    ],
    [
      "fractions and large magnitudes (Python floats)",
      {
        tenth: 0.1,
        half: -0.5,
        third: 1 / 3,
        tiny: 1e-7,
        small: 1.5e-5,
        edge4: 0.0001,
        edge4b: 0.00012,
        edge5: 0.00001,
        e21: 1e21,
        e22neg: -1.5e22,
        huge: 1e300,
        minuscule: -2.5e-300,
        subnormal: 5e-324,
        max: Number.MAX_VALUE,
        min: Number.MIN_VALUE,
        epsilon: Number.EPSILON,
        mixed: 123456.789,
        almost16: 1e15 + 0.5,
        pi: Math.PI,
      },
    ],
    // The wire form: toJSON applies, undefined/functions are left out of objects and null in arrays.
    ["values JSON writes differently", { date: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), missing: undefined, fn: () => 1, list: [undefined, () => 1, 2] }],
  ];

  const expected = signWireInPython(states.map(([, state]) => JSON.stringify(state)));

  it.each(states.map(([name, state], index) => [name, state, expected[index]!] as const))("%s", (_name, state, python) => {
    expect(canonicalJson(state)).toBe(python.text);
    expect(signer.sign(state)).toBe(python.signature);
    // What the client sends back next turn is the parsed wire JSON: it verifies too.
    expect(signer.verify(JSON.parse(JSON.stringify(state)), python.signature)).toBe(true);
  });

  it("writes 3 000 random doubles (every magnitude, subnormals included) exactly as Python does", () => {
    const numbers = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { seed: 2024, numRuns: 3_000 });
    const wires = numbers.map((number) => JSON.stringify({ n: number }));
    const python = signWireInPython(wires);
    const mismatches = numbers
      .map((number, index) => ({ number, ours: canonicalJson({ n: number }), python: python[index]!.text }))
      .filter(({ ours, python: theirs }) => ours !== theirs);
    expect(mismatches).toEqual([]);
    // The sample really covers both notations Python uses.
    expect(python.some(({ text }) => /\de[+-]\d\d/.test(text))).toBe(true);
    expect(python.some(({ text }) => /\d\.\d+}$/.test(text))).toBe(true);
  });
});

describe("a state signed by a Python Ragbits server verifies here", () => {
  // Python builds and signs these; it sends them as pydantic does (compact, raw UTF-8, not sorted).
  const script = `${SIGN_IN_PYTHON}
key = json.load(sys.stdin)["key"]
states = [
    {"café": "naïve ☕", "emoji": "🙂🧪", "quote": "say \\"hi\\"\\n", "del": "\\x7f"},
    {"nums": [0.1, -2.5, 1e-07, 1.5e+300, 0.0001, 1e-05, 3, -7, 2**53, 10**20], "f": -2.5e-10},
    {"z": [None, True, False], "a": {"": "", "ｱ": 1, "😀": 2}, "m": {"b": {"d": [], "c": {}}}},
]
json.dump([{"wire": json.dumps(state, separators=(",", ":"), ensure_ascii=False), **sign(state, key)} for state in states], sys.stdout)
`;
  const signed = python<Array<PythonSigned & { wire: string }>>(script, { key: KEY });

  it.each(signed.map((entry) => [entry.wire, entry] as const))("%s", (_wire, { wire, text, signature }) => {
    const state = JSON.parse(wire) as unknown;
    expect(canonicalJson(state)).toBe(text);
    expect(signer.verify(state, signature)).toBe(true);
  });
});

describe("the documented limits", () => {
  it("a float with an integral value (Python's 1.0) or an int beyond 2^53 signed by Python does not verify: JSON.parse cannot keep them", () => {
    const script = `${SIGN_IN_PYTHON}
key = json.load(sys.stdin)["key"]
json.dump([{"wire": json.dumps(state), **sign(state, key)} for state in [{"x": 1.0}, {"id": 2**64 + 1}]], sys.stdout)
`;
    const [float, bigInt] = python<Array<PythonSigned & { wire: string }>>(script, { key: KEY });
    expect(float!.text).toBe('{"x": 1.0}');
    expect(canonicalJson(JSON.parse(float!.wire))).toBe('{"x": 1}');
    expect(signer.verify(JSON.parse(float!.wire), float!.signature)).toBe(false);
    expect(bigInt!.text).toBe('{"id": 18446744073709551617}');
    expect(signer.verify(JSON.parse(bigInt!.wire), bigInt!.signature)).toBe(false);
  });

  it.each([NaN, Infinity, -Infinity])("refuses to sign %s (JSON cannot carry it; Python would write a non-JSON token)", (value) => {
    expect(() => canonicalJson({ nested: { value } })).toThrow(TypeError);
    expect(() => canonicalJson({ nested: { value } })).toThrow(/key "value" holds .*JSON cannot carry NaN or Infinity/);
    expect(() => signer.sign([value])).toThrow(TypeError);
    expect(signer.verify({ value }, signer.sign({ value: null }))).toBe(false);
  });

  it("refuses a BigInt (JSON has no such type)", () => {
    expect(() => canonicalJson({ id: 1n })).toThrow(TypeError);
  });
});
