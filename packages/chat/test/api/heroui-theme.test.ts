/**
 * `--theme` with the HeroUI theme JSON that Python Ragbits takes (the HeroUI theme builder's export):
 * GET /api/theme answers CSS that sets the UI's own variables for light and dark mode.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatInterface, type ChatResponse } from "../../src";
import { ThemeFileError, heroUiThemeToCss, themeCss } from "../../src/server/theme-file";
import { startApi } from "../helpers/start-api";

class Echo extends ChatInterface {
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(message);
  }
}

const scale = (values: string[], foreground: string, DEFAULT: string) => ({
  ...Object.fromEntries(["50", "100", "200", "300", "400", "500", "600", "700", "800", "900"].map((shade, index) => [shade, values[index]])),
  foreground,
  DEFAULT,
});

/** A theme as the HeroUI theme builder exports it: a teal brand, light and dark. */
const THEME = {
  themes: {
    light: {
      colors: {
        default: scale(["#f7f8f8", "#eceeee", "#dde1e1", "#c9cfcf", "#a9b2b2", "#8a9595", "#5d6767", "#454d4d", "#2f3535", "#1a1e1e"], "#000", "#c9cfcf"),
        primary: scale(["#e6f7f6", "#c2ebe8", "#99ddd8", "#6fcfc8", "#45c1b8", "#1bb3a8", "#16938a", "#11736c", "#0c534e", "#073330"], "#ffffff", "#16938a"),
        secondary: scale(["#f1ecfb", "#ddd0f5", "#c6b2ee", "#b094e7", "#9a76e0", "#8458d9", "#6d49b3", "#56398d", "#3f2a67", "#281a41"], "#fff", "#8458d9"),
        success: scale(["#e8f7ee", "#c6ecd3", "#a0e0b6", "#7ad399", "#54c67c", "#2eb95f", "#26994e", "#1e783e", "#16582d", "#0e381d"], "#000", "#26994e"),
        warning: scale(["#fff6e5", "#ffe9bf", "#ffda94", "#ffcb69", "#ffbc3e", "#ffad13", "#d28f10", "#a6710d", "#795209", "#4d3406"], "#000", "#d28f10"),
        danger: scale(["#fdecec", "#f9cfcf", "#f4aeae", "#ef8d8d", "#ea6c6c", "#e54b4b", "#bd3e3e", "#953131", "#6d2424", "#451717"], "#fff", "#bd3e3e"),
        background: "#fbfdfd",
        foreground: "#0f2b29",
        content1: { DEFAULT: "#ffffff", foreground: "#000" },
        content2: { DEFAULT: "#eef6f5", foreground: "#000" },
        content3: { DEFAULT: "#dcecea", foreground: "#000" },
        content4: { DEFAULT: "#cae3e0", foreground: "#000" },
        focus: "#1bb3a8",
        overlay: "#000000",
      },
    },
    dark: {
      colors: {
        default: scale(["#111414", "#1d2222", "#2a3030", "#3a4141", "#505858", "#6f7878", "#97a0a0", "#bcc3c3", "#dde1e1", "#f7f8f8"], "#fff", "#3a4141"),
        primary: scale(["#073330", "#0c534e", "#11736c", "#16938a", "#1bb3a8", "#45c1b8", "#6fcfc8", "#99ddd8", "#c2ebe8", "#e6f7f6"], "#001a18", "#45c1b8"),
        danger: scale(["#451717", "#6d2424", "#953131", "#bd3e3e", "#e54b4b", "#ea6c6c", "#ef8d8d", "#f4aeae", "#f9cfcf", "#fdecec"], "#000", "#ea6c6c"),
        success: "#54c67c",
        warning: "#ffbc3e",
        background: "#081413",
        foreground: "#d5efec",
        content1: { DEFAULT: "#10201f", foreground: "#fff" },
        content2: { DEFAULT: "#1a2f2d", foreground: "#fff" },
        focus: "#45c1b8",
      },
    },
  },
  layout: { disabledOpacity: "0.5", radius: { small: "6px", medium: "10px", large: "16px" }, borderWidth: { small: "1px", medium: "2px", large: "3px" } },
};

/** `selector → { variable: value }` for every rule of the CSS (media queries flattened with their rule). */
function rules(css: string): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  const withoutComments = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const media = /@media\s*([^{]+)\{([\s\S]*?\})\s*\}/g;
  const plain = withoutComments.replace(media, (_match, query: string, inner: string) => {
    for (const [selector, body] of ruleBodies(inner)) result[`@media ${query.trim()} ${selector}`] = declarations(body);
    return "";
  });
  for (const [selector, body] of ruleBodies(plain)) result[selector] = declarations(body);
  return result;
}

function ruleBodies(css: string): Array<[string, string]> {
  return [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((match) => [match[1]!.trim().replace(/\s+/g, " "), match[2]!]);
}

function declarations(body: string): Record<string, string> {
  return Object.fromEntries(
    body
      .split(";")
      .map((declaration) => declaration.trim())
      .filter(Boolean)
      .map((declaration) => [declaration.slice(0, declaration.indexOf(":")).trim(), declaration.slice(declaration.indexOf(":") + 1).trim()]),
  );
}

describe("GET /api/theme with a HeroUI JSON theme", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ragbits-heroui-"));
    writeFileSync(join(dir, "theme.json"), JSON.stringify(THEME, null, 2));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("answers text/css that sets the UI's variables for light mode, the dark switch, HeroUI's .dark and the system dark mode", async () => {
    const server = await startApi(Echo, { themePath: join(dir, "theme.json") });
    try {
      const config = await fetch(`${server.url}/api/config`);
      expect(config.headers.get("x-ragbits-theme")).toBe("css");
      const response = await fetch(`${server.url}/api/theme`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/css; charset=utf-8");
      const css = await response.text();
      expect(css).not.toContain("[object Object]");
      const byRule = rules(css);
      expect(Object.keys(byRule)).toEqual(['@media (prefers-color-scheme: dark) :root:not([data-theme="light"])', ":root", ':root[data-theme="dark"], .dark']);

      expect(byRule[":root"]).toMatchObject({
        "--rb-bg": "#fbfdfd",
        "--rb-text": "#0f2b29",
        "--rb-surface": "#ffffff",
        "--rb-surface-2": "#eef6f5",
        "--rb-border": "#dde1e1",
        "--rb-muted": "#5d6767",
        "--rb-accent": "#16938a",
        "--rb-accent-text": "#ffffff",
        "--rb-accent-soft": "#c2ebe8",
        "--rb-user-bubble": "#c2ebe8",
        "--rb-danger": "#bd3e3e",
        "--rb-danger-soft": "#fdecec",
        "--rb-success": "#26994e",
        "--rb-warning": "#d28f10",
        "--rb-focus": "#1bb3a8",
        "--rb-radius": "16px",
        "--rb-radius-small": "6px",
        // HeroUI's own names, for a Ragbits (HeroUI) UI build served with --ui-build-dir.
        "--heroui-primary": "#16938a",
        "--heroui-primary-500": "#1bb3a8",
        "--heroui-primary-foreground": "#ffffff",
        "--heroui-secondary": "#8458d9",
        "--heroui-content3": "#dcecea",
        "--heroui-overlay": "#000000",
        "--heroui-disabled-opacity": "0.5",
        "--heroui-radius-small": "6px",
        "--heroui-border-width-medium": "2px",
      });

      const dark = {
        "--rb-bg": "#081413",
        "--rb-text": "#d5efec",
        "--rb-surface": "#10201f",
        "--rb-surface-2": "#1a2f2d",
        "--rb-border": "#2a3030",
        "--rb-muted": "#97a0a0",
        "--rb-accent": "#45c1b8",
        "--rb-accent-text": "#001a18",
        "--rb-accent-soft": "#0c534e",
        "--rb-danger": "#ea6c6c",
        "--rb-danger-soft": "#451717",
        "--rb-success": "#54c67c",
        "--rb-warning": "#ffbc3e",
        "--rb-focus": "#45c1b8",
        "--heroui-background": "#081413",
        "--heroui-primary-100": "#0c534e",
      };
      expect(byRule[':root[data-theme="dark"], .dark']).toMatchObject(dark);
      expect(byRule['@media (prefers-color-scheme: dark) :root:not([data-theme="light"])']).toEqual(byRule[':root[data-theme="dark"], .dark']);
      // Layout is not per mode; and the light colours stay out of the dark rules.
      expect(byRule[':root[data-theme="dark"], .dark']!["--rb-radius"]).toBeUndefined();
      expect(byRule[':root[data-theme="dark"], .dark']!["--heroui-secondary"]).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it("still serves a CSS file as written", async () => {
    writeFileSync(join(dir, "plain.css"), ":root { --rb-accent: #ff00aa; }\n");
    const server = await startApi(Echo, { themePath: join(dir, "plain.css") });
    try {
      expect(await (await fetch(`${server.url}/api/theme`)).text()).toBe(":root { --rb-accent: #ff00aa; }\n");
    } finally {
      await server.close();
    }
  });

  it("answers 500 and logs why when the file was edited into invalid JSON while the server runs", async () => {
    const path = join(dir, "edited.json");
    writeFileSync(path, JSON.stringify(THEME));
    const server = await startApi(Echo, { themePath: path });
    try {
      expect((await fetch(`${server.url}/api/theme`)).status).toBe(200);
      writeFileSync(path, '{ "themes": { "light": ');
      const broken = await fetch(`${server.url}/api/theme`);
      expect(broken.status).toBe(500);
      expect(await broken.json()).toEqual({ detail: "The theme file cannot be used (the server log says why)" });
      expect(server.logs.some((line) => line.level === 50 && String(line.msg).includes("edited.json is not valid JSON"))).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe("theme files that cannot be used say where and why", () => {
  it("invalid JSON: the line and column", () => {
    const text = '{\n  "themes": {\n    "light": { "colors": { "primary": "#000", } }\n  }\n}\n';
    expect(() => themeCss("theme.json", text)).toThrow(ThemeFileError);
    expect(() => themeCss("theme.json", text)).toThrow(/^theme\.json is not valid JSON: .*line 3,? column 47/);
  });

  it("JSON that is not a HeroUI theme", () => {
    expect(() => heroUiThemeToCss({ colors: { primary: "#000" } }, "theme.json")).toThrow(/^theme\.json is not a HeroUI theme: themes /);
    expect(() => heroUiThemeToCss({ themes: {} }, "theme.json")).toThrow(/has neither themes\.light nor themes\.dark/);
    expect(() => heroUiThemeToCss({ themes: { light: { colors: { primary: "red; } body { display: none" } } } }, "theme.json")).toThrow(/themes\.light\.colors\.primary .*not a CSS value/);
  });
});
