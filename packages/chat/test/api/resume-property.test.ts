import fc from "fast-check";
import { type ChatResponse, RagbitsChatClient } from "../../src/client";
import { type ScriptedServer, pause, serveScript } from "../helpers/scripted-chat";
import { type Cut, cuttingFetch } from "../helpers/cutting-fetch";

/**
 * The client's resumption against the real server: a long answer (emoji, CJK, accents, an image
 * whose pieces straddle the cuts) is cut at every event boundary and at arbitrary bytes — mid-frame,
 * mid-character — by resets and by clean closes; the client re-attaches each time, and what it
 * assembles is exactly what an uninterrupted run gets.
 */
const PIECES = Array.from({ length: 90 }, (_, index) => [`Zażółć ${index} `, "😀", "日本語の", "テキスト", " é✓\n"][index % 5]! + (index % 7 === 0 ? "👩‍👩‍👧" : ""));
const IMAGE = `data:image/png;base64,${"QUJD".repeat(26_000)}`;

let server: ScriptedServer;
let reference: ChatResponse[];
/** Byte offsets in the first stream's body where each event's frame ends. */
let boundaries: number[];

beforeAll(async () => {
  server = await serveScript(async function* () {
    for (const [index, text] of PIECES.entries()) {
      yield { type: "text", content: { text } } as ChatResponse;
      // Now and then the app waits: cuts land both while it generates and after it finished.
      if (index % 15 === 0) await pause(2);
      if (index === 40) yield { type: "image", content: { id: "img", url: IMAGE } } as ChatResponse;
    }
  });
  reference = await runWith([]);
  boundaries = await frameEnds();
});
afterAll(() => server.close());

/** Re-attach requests the last run made. */
let reattached = 0;

async function runWith(cuts: ReadonlyArray<Cut | undefined>): Promise<ChatResponse[]> {
  // Small pieces split characters; the occasional large one keeps the image's 100 kB frames quick.
  const cutting = cuttingFetch(cuts, [3, 1, 7, 2, 5, 4_000]);
  const client = new RagbitsChatClient({ baseUrl: server.url, fetch: cutting.fetch, resume: { initialDelayMs: 1, maxDelayMs: 4, maxAttempts: 50 } });
  const responses: ChatResponse[] = [];
  for await (const response of client.runStreaming("tell me a long story")) responses.push(response);
  // One POST, then one re-attach per cut that happened; never a stop.
  expect(cutting.requests[0]).toMatchObject({ method: "POST", path: "/api/chat" });
  expect(cutting.requests[0]!.headers.get("x-ragbits-resumable")).toBe("1");
  for (const request of cutting.requests.slice(1)) expect(request).toMatchObject({ method: "GET", path: expect.stringMatching(/^\/api\/chat\/[0-9a-f-]{36}\/stream$/) });
  reattached = cutting.requests.length - 1;
  return responses.map(withoutIds);
}

/** The ids the server draws per turn are the only thing that differs between runs. */
function withoutIds(response: ChatResponse): ChatResponse {
  if (response.type === "message_id") return { type: "message_id", content: { message_id: "*" } };
  if (response.type === "conversation_id") return { type: "conversation_id", content: { conversation_id: "*" } };
  return response;
}

function text(responses: ChatResponse[]): string {
  return responses.map((response) => (response.type === "text" ? response.content.text : "")).join("");
}

async function frameEnds(): Promise<number[]> {
  const response = await fetch(`${server.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json", "x-ragbits-resumable": "1" }, body: JSON.stringify({ message: "tell me a long story" }) });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const ends: number[] = [];
  for (let index = 1; index < bytes.length; index++) if (bytes[index] === 10 && bytes[index - 1] === 10) ends.push(index + 1);
  return ends;
}

jest.setTimeout(120_000);

it("the reference run gets the whole answer and the image", () => {
  expect(text(reference)).toBe(PIECES.join(""));
  expect(reference.filter((response) => response.type === "image")).toEqual([{ type: "image", content: { id: "img", url: IMAGE } }]);
  expect(boundaries.length).toBeGreaterThan(PIECES.length);
});

it("cut at every event boundary (alternately reset and closed cleanly), the reassembled answer is identical", async () => {
  // After the first frame: before it, the client has no message_id to re-attach to.
  for (const [index, afterBytes] of boundaries.slice(0, -1).entries()) {
    const responses = await runWith([{ afterBytes, how: index % 2 === 0 ? "close" : "error" }]);
    expect(reattached).toBe(1);
    expect(text(responses)).toBe(PIECES.join(""));
    expect(responses).toEqual(reference);
  }
});

it("cut anywhere, mid-frame and mid-character, on the first connection and on the re-attached ones, the reassembled answer is identical", async () => {
  const firstLength = boundaries.at(-1)!;
  const cut = (max: number) => fc.record({ afterBytes: fc.integer({ min: 1, max }), how: fc.constantFrom<Cut["how"]>("error", "close") });
  await fc.assert(
    fc.asyncProperty(fc.tuple(fc.integer({ min: boundaries[0]!, max: firstLength - 1 }), fc.constantFrom<Cut["how"]>("error", "close")), fc.array(cut(firstLength), { maxLength: 3 }), async ([afterBytes, how], later) => {
      const responses = await runWith([{ afterBytes, how }, ...later]);
      expect(reattached).toBeGreaterThanOrEqual(1);
      expect(text(responses)).toBe(PIECES.join(""));
      expect(responses).toEqual(reference);
    }),
    { numRuns: 60, seed: 1212 },
  );
});
