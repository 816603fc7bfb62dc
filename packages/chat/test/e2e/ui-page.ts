import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import pino from "pino";
import { type Locator, type Page } from "playwright-core";
import { RagbitsAPI, type RagbitsAPIOptions, STRICT_CSP } from "../../src";
import { type Browser } from "./browser";
import { E2EChat } from "./e2e-chat";

/** The built UI (packages/ui/dist): the e2e tests run the real production bundle. */
export const UI_BUILD_DIR = resolve(__dirname, "../../../ui/dist");
export const ARTIFACTS_DIR = resolve(__dirname, "../../test-artifacts");

export interface UiSession {
  chat: E2EChat;
  url: string;
  page: Page;
  /** Browser dialogs (alert/confirm/prompt) that opened: model output must never cause one. */
  dialogs: string[];
  /** Console messages about Content-Security-Policy violations: the UI must need none. */
  cspViolations: string[];
  pageErrors: string[];
  /** The Content-Security-Policy header the page was served with. */
  csp: string | null;
  close(): Promise<void>;
}

/**
 * A real RagbitsAPI serving the built UI on a free port, and a page open on it, ready once
 * `readySelector` shows (the message box, unless the test expects another screen).
 */
export async function openUi(browser: Browser, options: RagbitsAPIOptions = {}, readySelector = "#composer-input"): Promise<UiSession> {
  if (!existsSync(join(UI_BUILD_DIR, "index.html"))) {
    throw new Error(`No UI build at ${UI_BUILD_DIR}: run \`pnpm --filter @ragbits/ui build\` first.`);
  }
  const chat = new E2EChat();
  // Only warnings and errors: a server problem still shows in the test output. The UI is served from
  // its own build folder, which RagbitsAPI would treat as a custom UI: the built-in UI's strict policy
  // is asked for explicitly, since that is the policy it must work under.
  const api = new RagbitsAPI(chat, { uiBuildDir: UI_BUILD_DIR, contentSecurityPolicy: STRICT_CSP, logger: pino({ level: "warn" }), ...options });
  const server = await api.run({ host: "127.0.0.1", port: 0 });
  const page = await browser.context.newPage();
  const dialogs: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("console", (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const response = await page.goto(server.url);
  await page.locator(readySelector).waitFor();
  return {
    chat,
    url: server.url,
    page,
    dialogs,
    cspViolations,
    pageErrors,
    csp: (await response?.headerValue("content-security-policy")) ?? null,
    close: async () => {
      await page.close().catch(() => undefined);
      await server.close();
    },
  };
}

/** Types a message and sends it with Enter, as a user would. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const input = page.locator("#composer-input");
  await input.fill(text);
  await input.press("Enter");
}

/** Waits until no answer is streaming (the Send button is back). */
export async function waitForAnswer(page: Page, timeout = 15_000): Promise<void> {
  await page.locator("article.message.assistant[aria-busy='true']").waitFor({ state: "detached", timeout });
  await page.locator("button[aria-label='Send message']").waitFor({ timeout });
}

export function answers(page: Page): Locator {
  return page.locator("article.message.assistant");
}

export function lastAnswer(page: Page): Locator {
  return answers(page).last();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, name);
  await page.screenshot({ path, fullPage: false });
  return path;
}
