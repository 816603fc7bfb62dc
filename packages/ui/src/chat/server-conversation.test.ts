import type { ConversationResponse } from "@ragbits/chat/client";
import { buildChatRequest } from "./build-request";
import { fromServerConversation } from "./server-conversation";

const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function recorded(interactions: Partial<ConversationResponse["interactions"][number]>[]): ConversationResponse {
  return {
    id: "conv-1",
    title: "What is the weather?",
    created_at: 1_000,
    updated_at: 5_000,
    interaction_count: interactions.length,
    interactions: interactions.map((interaction, i) => ({
      message_id: `m${i + 1}`,
      message: `question ${i + 1}`,
      answer: "",
      events: [],
      status: "completed",
      error: null,
      started_at: 1_000 + i,
      finished_at: 2_000 + i,
      feedback: null,
      ...interaction,
    })),
  };
}

describe("fromServerConversation", () => {
  it("shows each interaction as a question and its answer, keyed by the server's ids, with its feedback", async () => {
    const conversation = await fromServerConversation(
      recorded([
        {
          answer: "Sunny.",
          events: [
            { type: "reference", content: { title: "Forecast", content: "sun", url: "https://example.com" } },
            { type: "followup_messages", content: { messages: ["And tomorrow?"] } },
          ],
          feedback: { feedback: "like", payload: {}, created_at: 3 },
        },
        { answer: "Rain.", feedback: null },
      ]),
    );
    expect(conversation).toMatchObject({ id: "conv-1", serverConversationId: "conv-1", title: "What is the weather?", titleSource: "server", createdAt: 1_000, updatedAt: 5_000 });
    expect(conversation.messages.map((m) => [m.role, m.content, m.status, m.serverId, m.feedback])).toEqual([
      ["user", "question 1", undefined, undefined, undefined],
      ["assistant", "Sunny.", "done", "m1", "like"],
      ["user", "question 2", undefined, undefined, undefined],
      ["assistant", "Rain.", "done", "m2", undefined],
    ]);
    expect(conversation.messages[1]).toMatchObject({ references: [{ title: "Forecast", content: "sun", url: "https://example.com" }], followups: ["And tomorrow?"] });
  });

  it("continues where it was: the last signed state and the history go with the next message", async () => {
    const conversation = await fromServerConversation(
      recorded([
        { answer: "One.", events: [{ type: "state_update", content: { state: { n: 1 }, signature: "sig-1" } }] },
        { answer: "Two.", events: [{ type: "state_update", content: { state: { n: 2 }, signature: "sig-2" } }] },
      ]),
    );
    expect(buildChatRequest(conversation, "three?", {})).toEqual({
      message: "three?",
      history: [
        { role: "user", content: "question 1" },
        { role: "assistant", content: "One." },
        { role: "user", content: "question 2" },
        { role: "assistant", content: "Two." },
      ],
      context: { conversation_id: "conv-1", state: { n: 2 }, signature: "sig-2" },
    });
  });

  it("shows how each answer ended: cut short, failed with the server's words, or failed without any", async () => {
    const conversation = await fromServerConversation(
      recorded([
        { answer: "Half an ans", status: "aborted" },
        { answer: "", status: "error", events: [{ type: "error", content: { message: "The model is down." } }] },
        { answer: "", status: "error" },
      ]),
    );
    const answers = conversation.messages.filter((m) => m.role === "assistant");
    expect(answers.map((m) => [m.content, m.status, m.error])).toEqual([
      ["Half an ans", "stopped", undefined],
      ["", "error", "The model is down."],
      ["", "error", "The answer failed."],
    ]);
  });

  it("puts images sent in pieces back together, and keeps the rest of an answer whose image was cut off", async () => {
    const data = PIXEL.slice(PIXEL.indexOf(",") + 1);
    const half = Math.ceil(data.length / 2);
    const piece = (index: number, id = "img") => ({
      type: "chunked_content",
      content: { id, content_type: "image", chunk_index: index, total_chunks: 2, mime_type: "data:image/png;base64", data: index === 0 ? data.slice(0, half) : data.slice(half) },
    });
    const conversation = await fromServerConversation(
      recorded([
        { answer: "A picture:", events: [piece(0), piece(1)] },
        { answer: "Cut:", status: "aborted", events: [{ type: "reference", content: { title: "Kept", content: "", url: null } }, piece(0, "cut")] },
      ]),
    );
    const [first, second] = conversation.messages.filter((m) => m.role === "assistant");
    expect(first!.images).toEqual([{ id: "img", url: PIXEL }]);
    expect(second).toMatchObject({ content: "Cut:", status: "stopped", references: [{ title: "Kept" }] });
    expect(second!.images).toBeUndefined();
  });
});
