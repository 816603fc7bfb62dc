import { ApiClient } from "./api-client";

type FetchCall = [string, RequestInit | undefined];

function mockFetch(...responses: Response[]) {
  const calls: FetchCall[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: string, init?: RequestInit) => {
    calls.push([String(input), init]);
    const next = responses.shift();
    if (!next) throw new Error("unexpected fetch");
    return next;
  }) as typeof fetch;
  return { calls, restore: () => (globalThis.fetch = original) };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("ApiClient", () => {
  // The app mounted under a prefix: every endpoint stays under it.
  const api = new ApiClient("http://host.test/chat/");
  let restore = () => {};
  afterEach(() => restore());

  it("posts the chat request as JSON and returns the event stream", async () => {
    const mock = mockFetch(new Response("data: {}\n\n", { headers: { "content-type": "text/event-stream; charset=utf-8" } }));
    restore = mock.restore;
    const request = { message: "Hi", history: [], context: { timezone: "UTC" } };
    const response = await api.chat(request, new AbortController().signal);
    expect(await response.text()).toBe("data: {}\n\n");
    const [url, init] = mock.calls[0]!;
    expect(url).toBe("http://host.test/chat/api/chat");
    expect(init).toMatchObject({ method: "POST", credentials: "same-origin" });
    expect(JSON.parse(init!.body as string)).toEqual(request);
  });

  it("refuses an answer that is not an event stream, and surfaces HTTP errors", async () => {
    const mock = mockFetch(new Response("<html>proxy</html>", { headers: { "content-type": "text/html" } }), json({ detail: "Invalid state signature" }, 400));
    restore = mock.restore;
    await expect(api.chat({ message: "a", history: [], context: {} }, new AbortController().signal)).rejects.toThrow("did not answer with an event stream");
    await expect(api.chat({ message: "a", history: [], context: {} }, new AbortController().signal)).rejects.toMatchObject({ status: 400, message: "Invalid state signature" });
  });

  it("sends feedback with the payload only when there is one", async () => {
    const mock = mockFetch(json({ status: "success" }), json({ status: "success" }));
    restore = mock.restore;
    await api.feedback("m1", "like", null);
    await api.feedback("m1", "dislike", { reason: "wrong" });
    expect(mock.calls.map(([url, init]) => [url, JSON.parse(init!.body as string)])).toEqual([
      ["http://host.test/chat/api/feedback", { message_id: "m1", feedback: "like" }],
      ["http://host.test/chat/api/feedback", { message_id: "m1", feedback: "dislike", payload: { reason: "wrong" } }],
    ]);
  });

  it("uploads a file as multipart field `file`", async () => {
    const mock = mockFetch(json({ status: "success", filename: "a.txt" }));
    restore = mock.restore;
    expect(await api.upload(new File(["hello"], "a.txt", { type: "text/plain" }))).toBe("a.txt");
    const form = mock.calls[0]![1]!.body as FormData;
    expect((form.get("file") as File).name).toBe("a.txt");
    expect(await (form.get("file") as File).text()).toBe("hello");
  });

  it("reads login results, both ways", async () => {
    const user = { user_id: "1", username: "alice" };
    const mock = mockFetch(json({ success: true, user, error_message: null }), json({ success: false, user: null, error_message: "Invalid username or password" }, 401));
    restore = mock.restore;
    expect(await api.login("alice", "pw")).toEqual({ success: true, user, error: null });
    expect(await api.login("alice", "bad")).toEqual({ success: false, user: null, error: "Invalid username or password" });
    expect(JSON.parse(mock.calls[0]![1]!.body as string)).toEqual({ username: "alice", password: "pw" });
  });

  it("treats 401 from /api/user as signed out", async () => {
    const mock = mockFetch(json({ detail: "Not authenticated" }, 401), json({ user_id: "1", username: "bob" }));
    restore = mock.restore;
    expect(await api.user()).toBeNull();
    expect(await api.user()).toEqual({ user_id: "1", username: "bob" });
  });

  it("finds a theme only when /api/theme answers with CSS", async () => {
    const mock = mockFetch(json({ detail: "No theme configured" }, 404), new Response(":root{}", { headers: { "content-type": "text/css; charset=utf-8" } }));
    restore = mock.restore;
    expect(await api.hasTheme()).toBe(false);
    expect(await api.hasTheme()).toBe(true);
  });

  it("loads the config and reads from its header whether the server has a theme", async () => {
    const config = (theme?: string) => new Response(JSON.stringify({ supports_upload: true }), { headers: { "content-type": "application/json", ...(theme === undefined ? {} : { "x-ragbits-theme": theme }) } });
    const mock = mockFetch(config("css"), config("none"), config(), config("maybe"));
    restore = mock.restore;
    const loaded = await api.config();
    expect(loaded.theme).toBe("css");
    expect(loaded.config.supports_upload).toBe(true);
    expect(loaded.config.customization).toBeNull();
    expect((await api.config()).theme).toBe("none");
    // Python Ragbits says nothing: the UI has to ask /api/theme itself.
    expect((await api.config()).theme).toBeNull();
    expect((await api.config()).theme).toBeNull();
    expect(mock.calls.map(([url]) => url)).toEqual(Array(4).fill("http://host.test/chat/api/config"));
  });

  it("reads from the config's x-ragbits-conversations header whether the server keeps conversations", async () => {
    const config = (value?: string) => new Response("{}", { headers: { "content-type": "application/json", ...(value === undefined ? {} : { "x-ragbits-conversations": value }) } });
    const mock = mockFetch(config("server"), config("none"), config());
    restore = mock.restore;
    expect((await api.config()).serverConversations).toBe(true);
    expect((await api.config()).serverConversations).toBe(false);
    // Python Ragbits says nothing: it keeps no conversations for the UI.
    expect((await api.config()).serverConversations).toBe(false);
  });

  it("lists, opens and deletes the server's conversations under the mount point, ids encoded", async () => {
    const page = { conversations: [{ id: "c/1", title: "Hi", created_at: 1, updated_at: 2, interaction_count: 1 }], next_cursor: "abc+/=" };
    const conversation = { ...page.conversations[0], interactions: [] };
    const mock = mockFetch(json(page), json(conversation), json({ detail: "Conversation not found" }, 404), json({ status: "success" }), json({ detail: "Conversation not found" }, 404));
    restore = mock.restore;
    expect(await api.conversations({ limit: 30, cursor: "abc+/=" })).toEqual(page);
    expect(await api.conversation("c/1")).toEqual(conversation);
    expect(await api.conversation("gone")).toBeNull();
    await api.deleteConversation("c/1");
    // Already gone (deleted on another device): nothing left to do.
    await api.deleteConversation("gone");
    expect(mock.calls.map(([url, init]) => [init?.method ?? "GET", url])).toEqual([
      ["GET", "http://host.test/chat/api/conversations?limit=30&cursor=abc%2B%2F%3D"],
      ["GET", "http://host.test/chat/api/conversations/c%2F1"],
      ["GET", "http://host.test/chat/api/conversations/gone"],
      ["DELETE", "http://host.test/chat/api/conversations/c%2F1"],
      ["DELETE", "http://host.test/chat/api/conversations/gone"],
    ]);
  });

  it("surfaces the server's errors about conversations (503 while its database is down, 401 signed out)", async () => {
    const mock = mockFetch(json({ detail: "The database is unavailable; please try again shortly." }, 503), json({ detail: "Not authenticated" }, 401), json({ detail: "x" }, 500));
    restore = mock.restore;
    await expect(api.conversations()).rejects.toMatchObject({ status: 503, message: "The database is unavailable; please try again shortly." });
    await expect(api.conversation("c1")).rejects.toMatchObject({ status: 401 });
    await expect(api.deleteConversation("c1")).rejects.toMatchObject({ status: 500 });
  });

  it("surfaces an error answer to /api/config", async () => {
    const mock = mockFetch(json({ detail: "Service unavailable" }, 503));
    restore = mock.restore;
    await expect(api.config()).rejects.toMatchObject({ status: 503, message: "Service unavailable" });
  });
});

