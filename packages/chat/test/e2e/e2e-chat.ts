import { type ChatFormat, MockLLM } from "@ragbits/core";
import { z } from "zod";
import { type ChatContext, ChatInterface, type ChatResponse, type FeedbackType, type UploadedFile } from "../../src";
import { noisePng } from "./png";

export const MARKDOWN_ANSWER = [
  "## Adding numbers",
  "",
  "Here is a **short** answer with a [link](https://example.com/docs) and a list:",
  "",
  "- first item",
  "- second item",
  "",
  "| Language | Typing |",
  "| --- | --- |",
  "| Python | dynamic |",
  "",
  "```python",
  "def add(a: int, b: int) -> int:",
  "    return a + b",
  "```",
  "",
  "Done.",
].join("\n");

// Model output that tries every classic way to run script in the page.
export const XSS_ANSWER = [
  'Look: <img src=x onerror="window.__xss=1;alert(1)">',
  "<script>window.__xss=2;alert(2)</script>",
  '<a href="javascript:window.__xss=3">html link</a>',
  "[md link](javascript:window.__xss=4)",
  '<iframe src="javascript:window.parent.__xss=5"></iframe>',
  '<svg onload="window.__xss=6"></svg>',
  "![pic](javascript:window.__xss=7)",
  "End of payload.",
].join("\n\n");

export const LONG_ANSWER = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");

// Many short paragraphs: taller than the screen, for the autoscroll test.
export const TALL_ANSWER = Array.from({ length: 150 }, (_, i) => `Line ${i}.`).join("\n\n");

/** A 200×200 PNG whose data: URL (~160,000 characters) travels as two chunked_content pieces. */
export const BIG_IMAGE_URL = `data:image/png;base64,${noisePng(200, 200).toString("base64")}`;

export interface FeedbackRecord {
  messageId: string;
  feedback: FeedbackType;
  payload: Record<string, unknown>;
}

/**
 * The chat the browser tests talk to: a real ChatInterface on MockLLM. The message picks the
 * script ("markdown", "long", "xss", "count"), and the chat records what the server handed it.
 */
export class E2EChat extends ChatInterface {
  override feedbackConfig = {
    like: { enabled: true },
    dislike: {
      enabled: true,
      form: z.object({
        issue: z.enum(["Wrong", "Unhelpful", "Other"]).describe("What was the issue?"),
        details: z.string().min(1).describe("Tell us more"),
      }),
    },
  };
  override uiCustomization = {
    header: { title: "E2E Bot", subtitle: "Tested in Chromium", logo: "🤖" },
    welcomeMessage: "**Welcome!** Ask me anything.",
    starterQuestions: ["Show me markdown"],
    meta: { pageTitle: "E2E Bot chat", favicon: "🤖" },
  };
  override userSettings = {
    form: z.object({ language: z.enum(["English", "Polish"]).default("English").describe("Language of the answers") }),
  };
  override conversationHistory = true;
  override showUsage = true;
  override uploadHandler = (file: UploadedFile) => {
    this.uploads.push(file);
  };

  readonly uploads: UploadedFile[] = [];

  count = 0;
  readonly feedback: FeedbackRecord[] = [];
  readonly contexts: ChatContext[] = [];
  readonly histories: ChatFormat[] = [];
  readonly aborted: string[] = [];

  async *chat(message: string, history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    this.count += 1;
    this.contexts.push(context);
    this.histories.push(history);
    if (/showcase/i.test(message)) {
      yield* this.showcase();
      return;
    }
    const { text, delayMs } = this.script(message);
    const llm = new MockLLM({ modelName: "mock-e2e", response: text, chunkDelayMs: delayMs });
    const stream = llm.generateStreaming([...history, { role: "user", content: message }], { signal: context.signal });
    try {
      for await (const chunk of stream) yield this.createTextResponse(chunk);
    } finally {
      if (context.signal.aborted) this.aborted.push(message);
    }
    yield this.createReference("Example source", "A snippet of the source.", "https://example.com/source");
    yield this.createFollowupMessages(["Tell me more"]);
    yield this.createUsageResponse(stream);
    yield this.createStateUpdate({ turns: this.count });
  }

  override async saveFeedback(messageId: string, feedback: FeedbackType, payload: Record<string, unknown>): Promise<void> {
    this.feedback.push({ messageId, feedback, payload });
  }

  /** Every kind of answer part besides text. */
  private async *showcase(): AsyncGenerator<ChatResponse> {
    yield this.createLiveUpdate("search", "START", "Searching the docs", "3 sources");
    yield this.createLiveUpdate("search", "FINISH", "Searched the docs", "found 2");
    yield this.createLiveUpdate("write", "START", "Writing the answer");
    yield this.createPlanItemResponse({ id: "t1", description: "Find the docs", status: "completed", result: "2 found" });
    yield this.createPlanItemResponse({ id: "t2", description: "Summarize", status: "in_progress" });
    yield this.createTextResponse("Here is a picture:");
    yield this.createImageResponse(BIG_IMAGE_URL, "noise");
    yield this.createConfirmationRequest({ confirmationId: "confirm-1", toolName: "send_email", toolDescription: "Sends an email", arguments: { to: "bob@example.com" } });
    yield this.createErrorResponse("The mail server is slow today.");
  }

  private script(message: string): { text: string; delayMs: number } {
    if (/markdown/i.test(message)) return { text: MARKDOWN_ANSWER, delayMs: 8 };
    if (/long/i.test(message)) return { text: LONG_ANSWER, delayMs: 40 };
    if (/xss/i.test(message)) return { text: XSS_ANSWER, delayMs: 0 };
    if (/tall/i.test(message)) return { text: TALL_ANSWER, delayMs: 12 };
    if (/count/i.test(message)) return { text: `Answer number ${this.count}.`, delayMs: 5 };
    return { text: `You said: ${message}`, delayMs: 2 };
  }
}
