/**
 * A user's project, as `npm install @ragbits/chat` leaves it: a package.json, TypeScript sources that
 * import "@ragbits/chat" and "@ragbits/core", and node_modules links to this workspace's packages.
 * It lives under packages/chat/test-artifacts/ (git-ignored) and is removed afterwards.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const packageDir = join(__dirname, "..", "..");
const artifactsDir = join(packageDir, "test-artifacts");

export const THEME_CSS = ":root { --ragbits-accent: #3355ff; }\nbody { font-family: system-ui; }\n";
export const UI_INDEX_HTML = '<!doctype html><html><head><title>custom-ui-build</title></head><body><div id="root">custom UI</div></body></html>\n';
export const UI_ASSET_JS = 'console.log("custom-ui-asset");\n';
export const USER = { username: "ada", password: "analytical-engine" };

/** The chat: answers "v1 <message> (after N messages)", in several text events. */
export const MAIN_TS = `import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat } from "@ragbits/core";

export class EchoChat extends ChatInterface {
  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse("v1 ");
    for (const word of message.split(" ")) yield this.createTextResponse(word + " ");
    yield this.createTextResponse(\`(after \${history.length} messages)\`);
  }
}

/** Looks like a chat, but does not extend ChatInterface. */
export class NotAChat {
  async *chat(message: string) {
    yield message;
  }
}

export const greeting = "hello";
`;

export const AUTH_TS = `import { ListAuthentication } from "@ragbits/chat";

export const users = new ListAuthentication([{ username: ${JSON.stringify(USER.username)}, password: ${JSON.stringify(USER.password)} }]);
`;

export class UserProject {
  readonly dir: string;

  constructor() {
    mkdirSync(artifactsDir, { recursive: true });
    this.dir = mkdtempSync(join(artifactsDir, "cli-"));
    this.write("package.json", JSON.stringify({ name: "my-chat", private: true, type: "module" }, null, 2));
    this.write("main.ts", MAIN_TS);
    this.write("auth.ts", AUTH_TS);
    this.write("theme.css", THEME_CSS);
    this.write("ui/index.html", UI_INDEX_HTML);
    this.write("ui/assets/app-1234.js", UI_ASSET_JS);
    // What installing the packages would give: node_modules/@ragbits/{chat,core}.
    mkdirSync(join(this.dir, "node_modules", "@ragbits"), { recursive: true });
    symlinkSync(packageDir, join(this.dir, "node_modules", "@ragbits", "chat"), "dir");
    symlinkSync(join(packageDir, "..", "core"), join(this.dir, "node_modules", "@ragbits", "core"), "dir");
  }

  write(file: string, content: string): void {
    const path = join(this.dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }

  read(file: string): string {
    return readFileSync(join(this.dir, file), "utf8");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
