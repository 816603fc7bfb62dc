import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { z } from "zod";

/**
 * `--theme` files: a CSS stylesheet, served as written, or the HeroUI theme JSON that Python Ragbits
 * takes (what the HeroUI theme builder exports), converted to the CSS custom properties our UI reads
 * (`--rb-*`, see packages/ui/src/styles/app.css) plus HeroUI's own `--heroui-*` names, so a Ragbits
 * UI build served with `--ui-build-dir` gets the same variables as under Python Ragbits.
 */

const MARKER = Symbol.for("@ragbits/chat.ThemeFileError");

/** A theme file that cannot be used; the message names the file and what is wrong in it. */
export class ThemeFileError extends Error {
  readonly [MARKER] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  static isInstance(value: unknown): value is ThemeFileError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

// A value goes into a declaration as written: it may not end the declaration or the rule.
const CssValue = z
  .union([z.string(), z.number().transform(String)])
  .refine((value) => value.trim() !== "" && !/[;{}<>\\\n\r]|\/\*/.test(value), { message: "is not a CSS value (no ; { } < > \\ or line breaks)" });

/** A colour, or a HeroUI colour scale: `{ "50": …, …, "900": …, "DEFAULT": …, "foreground": … }`. */
const Color = z.union([CssValue, z.record(z.string(), CssValue)]);
const Mode = z.looseObject({ colors: z.record(z.string(), Color) });

/** The HeroUI theme JSON: `themes.light.colors`, `themes.dark.colors`, and `layout` (radius, opacities…). */
const HeroUiTheme = z
  .looseObject({
    themes: z.looseObject({ light: Mode.optional(), dark: Mode.optional() }),
    layout: z.record(z.string(), z.union([CssValue, z.record(z.string(), CssValue)])).optional(),
  })
  .refine((theme) => theme.themes.light !== undefined || theme.themes.dark !== undefined, { message: "has neither themes.light nor themes.dark", path: ["themes"] });

type HeroUiTheme = z.infer<typeof HeroUiTheme>;
type Colors = Record<string, string | Record<string, string>>;

const colorOf = (value: Colors[string] | undefined): string | undefined => (typeof value === "string" ? value : value?.DEFAULT);
const shadeOf = (value: Colors[string] | undefined, shade: string): string | undefined => (typeof value === "object" ? value[shade] : undefined);

/**
 * Our UI's variables from HeroUI's semantic colours. HeroUI scales run from 50 to 900 and are
 * inverted in dark themes, so "100" is a soft tint in both modes and "600" a readable muted text.
 */
const UI_COLORS: ReadonlyArray<[variable: string, pick: (colors: Colors) => string | undefined]> = [
  ["--rb-bg", (c) => colorOf(c.background)],
  ["--rb-text", (c) => colorOf(c.foreground)],
  ["--rb-surface", (c) => colorOf(c.content1)],
  ["--rb-surface-2", (c) => colorOf(c.content2)],
  ["--rb-border", (c) => colorOf(c.divider) ?? shadeOf(c.default, "200")],
  ["--rb-muted", (c) => shadeOf(c.default, "600") ?? shadeOf(c.default, "500")],
  ["--rb-accent", (c) => colorOf(c.primary)],
  ["--rb-accent-text", (c) => shadeOf(c.primary, "foreground")],
  ["--rb-accent-soft", (c) => shadeOf(c.primary, "100")],
  ["--rb-user-bubble", (c) => shadeOf(c.primary, "100")],
  ["--rb-danger", (c) => colorOf(c.danger)],
  ["--rb-danger-soft", (c) => shadeOf(c.danger, "50")],
  ["--rb-success", (c) => colorOf(c.success)],
  ["--rb-warning", (c) => colorOf(c.warning)],
  ["--rb-focus", (c) => colorOf(c.focus) ?? colorOf(c.primary)],
  ["--rb-code-bg", (c) => colorOf(c.content1)],
  ["--rb-code-head", (c) => colorOf(c.content2)],
];

/** HeroUI's radius scale → our two radii. */
const UI_LAYOUT: ReadonlyArray<[variable: string, pick: (layout: NonNullable<HeroUiTheme["layout"]>) => string | undefined]> = [
  ["--rb-radius", (l) => shadeOf(l.radius, "large") ?? shadeOf(l.radius, "medium")],
  ["--rb-radius-small", (l) => shadeOf(l.radius, "small")],
];

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** HeroUI's own names: `--heroui-primary`, `--heroui-primary-500`, `--heroui-radius-small`… */
function heroUiVariables(values: Record<string, string | Record<string, string>>, kebabCase: boolean): string[] {
  const name = (key: string) => (kebabCase ? kebab(key) : key);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === "string") lines.push(`--heroui-${name(key)}: ${value};`);
    else for (const [shade, shadeValue] of Object.entries(value)) lines.push(shade === "DEFAULT" ? `--heroui-${name(key)}: ${shadeValue};` : `--heroui-${name(key)}-${name(shade)}: ${shadeValue};`);
  }
  return lines;
}

function modeDeclarations(colors: Colors): string[] {
  const ours = UI_COLORS.flatMap(([variable, pick]) => {
    const value = pick(colors);
    return value === undefined ? [] : [`${variable}: ${value};`];
  });
  return [...ours, ...heroUiVariables(colors, false)];
}

function rule(selector: string, declarations: string[], indent = ""): string {
  return [`${indent}${selector} {`, ...declarations.map((line) => `${indent}  ${line}`), `${indent}}`].join("\n");
}

/**
 * CSS for a HeroUI theme object. Light colours (and the layout) go in `:root`; dark colours in
 * `:root[data-theme="dark"]` (the UI's dark switch), `.dark` (HeroUI's class) and the system's dark
 * mode unless the user chose light — the selectors app.css uses, so these win over its defaults.
 */
export function heroUiThemeToCss(json: unknown, source = "the theme"): string {
  const parsed = HeroUiTheme.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join(".") : "the top level";
    throw new ThemeFileError(`${source} is not a HeroUI theme: ${where} ${issue.message.replace(/^Invalid input: /, "")} (expected { "themes": { "light": { "colors": { … } }, "dark": { … } }, "layout": { … } })`);
  }
  const { themes, layout } = parsed.data;
  const rootLines: string[] = [];
  if (themes.light) rootLines.push(...modeDeclarations(themes.light.colors as Colors));
  if (layout) {
    for (const [variable, pick] of UI_LAYOUT) {
      const value = pick(layout);
      if (value !== undefined) rootLines.push(`${variable}: ${value};`);
    }
    rootLines.push(...heroUiVariables(layout, true));
  }
  // The file's name stays out: /api/theme is public, the server's paths are not.
  const blocks = ["/* Generated by @ragbits/chat from a HeroUI theme (JSON) */"];
  if (rootLines.length) blocks.push(rule(":root", rootLines));
  if (themes.dark) {
    const dark = modeDeclarations(themes.dark.colors as Colors);
    blocks.push(rule(':root[data-theme="dark"],\n.dark', dark));
    blocks.push(`@media (prefers-color-scheme: dark) {\n${rule(':root:not([data-theme="light"])', dark, "  ")}\n}`);
  }
  return `${blocks.join("\n\n")}\n`;
}

/** Whether a theme file is HeroUI JSON: a `.json` name, or text that opens with `{` (no stylesheet does). */
export function isJsonTheme(path: string, text: string): boolean {
  return extname(path).toLowerCase() === ".json" || text.trimStart().startsWith("{");
}

/**
 * The stylesheet a `--theme` file stands for: CSS as written, HeroUI JSON converted. Throws
 * ThemeFileError for JSON that does not parse or is not a HeroUI theme, naming the line and column.
 */
export function themeCss(path: string, text: string): string {
  if (!isJsonTheme(path, text)) return text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ThemeFileError(`${path} is not valid JSON: ${describeJsonError(error, text)}`, { cause: error });
  }
  return heroUiThemeToCss(json, path);
}

/** Reads and converts a theme file (on each request: edits show on reload). */
export async function readThemeCss(path: string): Promise<string> {
  return themeCss(path, await readFile(path, "utf8"));
}

/** JSON.parse's message, with the line and column when it gives only a position (Node 20). */
function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  if (!position || /line \d+/.test(message)) return message;
  const before = text.slice(0, Number(position[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${message} (line ${line}, column ${column})`;
}
