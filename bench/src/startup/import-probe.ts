/**
 * `node dist/import-probe.js SPECIFIER...`: imports the specifiers in a fresh process and prints
 * how long that took, as JSON. Run from bench/, so the specifiers resolve as in an app that
 * depends on them.
 */
const specifiers = process.argv.slice(2);
const started = performance.now();
for (const specifier of specifiers) await import(specifier);
const importMs = performance.now() - started;
// performance.timeOrigin is the process start: this is the whole cost of `node app.js` up to here.
process.stdout.write(`${JSON.stringify({ importMs, sinceProcessStartMs: performance.now() })}\n`);

export {};
