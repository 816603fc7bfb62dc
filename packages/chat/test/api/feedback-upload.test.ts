import { ChatInterface, type ChatResponse, type UploadedFile } from "../../src";
import { postJson, startApi } from "../helpers/start-api";

class WithFeedback extends ChatInterface {
  received: unknown[] = [];
  uploads: UploadedFile[] = [];
  override feedbackConfig = { like: { enabled: true }, dislike: { enabled: true } };
  override uploadHandler = async (file: UploadedFile) => {
    if (file.filename === "reject.txt") throw new Error("virus found");
    this.uploads.push(file);
  };
  async *chat(): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse("ok");
  }
  override async saveFeedback(messageId: string, feedback: "like" | "dislike", payload: Record<string, unknown>) {
    this.received.push({ messageId, feedback, payload });
  }
}

describe("POST /api/feedback", () => {
  it("hands the feedback and its payload to saveFeedback", async () => {
    const chat = new WithFeedback();
    const server = await startApi(chat);
    try {
      expect(await postJson(server.url, "/api/feedback", { message_id: "m1", feedback: "dislike", payload: { reason: "wrong" } })).toMatchObject({ status: 200, body: { status: "success" } });
      expect(await postJson(server.url, "/api/feedback", { message_id: "m2", feedback: "like", payload: null })).toMatchObject({ status: 200 });
      expect(chat.received).toEqual([
        { messageId: "m1", feedback: "dislike", payload: { reason: "wrong" } },
        { messageId: "m2", feedback: "like", payload: {} },
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("POST /api/upload", () => {
  const upload = (url: string, name: string, bytes: Uint8Array<ArrayBuffer> | string, field = "file") => {
    const form = new FormData();
    form.append(field, new Blob([bytes]), name);
    return fetch(`${url}/api/upload`, { method: "POST", body: form });
  };

  it("passes the file to the upload handler", async () => {
    const chat = new WithFeedback();
    const server = await startApi(chat);
    try {
      const response = await upload(server.url, "notes.txt", "hello ✓");
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "success", filename: "notes.txt" });
      expect(chat.uploads).toHaveLength(1);
      expect(chat.uploads[0]!.data.toString("utf8")).toBe("hello ✓");
      expect(chat.uploads[0]!.size).toBe(Buffer.byteLength("hello ✓"));
    } finally {
      await server.close();
    }
  });

  it("answers 400 when the chat takes no uploads", async () => {
    class NoUploads extends ChatInterface {
      async *chat(): AsyncGenerator<ChatResponse> {}
    }
    const server = await startApi(NoUploads);
    try {
      const response = await upload(server.url, "a.txt", "x");
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ detail: "File upload not supported" });
    } finally {
      await server.close();
    }
  });

  it("enforces the size limit with 413, and answers 422 / 415 / 500 for a missing file, a non-multipart body and a failing handler", async () => {
    const server = await startApi(new WithFeedback(), { uploadLimitBytes: 1024 });
    try {
      const big = await upload(server.url, "big.bin", new Uint8Array(4096));
      expect(big.status).toBe(413);
      expect((await big.json()).detail).toMatch(/Upload rejected/);
      const wrongField = await upload(server.url, "a.txt", "x", "document");
      expect(wrongField.status).toBe(400);
      const form = new FormData();
      form.append("note", "no file here");
      const missing = await fetch(`${server.url}/api/upload`, { method: "POST", body: form });
      expect(missing.status).toBe(422);
      expect(await postJson(server.url, "/api/upload", { file: "x" })).toMatchObject({ status: 415 });
      const failing = await upload(server.url, "reject.txt", "x");
      expect(failing.status).toBe(500);
      expect(await failing.json()).toEqual({ detail: "Internal server error" });
      expect(server.logs.some((line) => line.err?.message === "virus found")).toBe(true);
    } finally {
      await server.close();
    }
  });
});
