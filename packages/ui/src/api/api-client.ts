import { ApiError, toApiError } from "./api-error";
import {
  CONVERSATIONS_HEADER,
  type ChatMessageRequest,
  type ConversationListResponse,
  type ConversationResponse,
  type FeedbackType,
  LAST_EVENT_ID_HEADER,
  RESUMABLE_HEADER,
  RESUME_TOKEN_HEADER,
  type RagbitsConfig,
  THEME_HEADER,
  type ThemeAvailability,
  type User,
} from "@ragbits/chat/client";
import type { JsonObject } from "../util/json-types";
import { normalizeConfig } from "./normalize-config";

export interface LoadedConfig {
  config: RagbitsConfig;
  /** Whether GET /api/theme serves a stylesheet, as the server said; null when it did not say (Python Ragbits). */
  theme: ThemeAvailability | null;
  /**
   * True when the server keeps the signed-in user's conversations (/api/conversations), as its
   * x-ragbits-conversations header says; a server that says nothing (Python Ragbits) keeps none.
   */
  serverConversations: boolean;
}

export interface LoginResult {
  success: boolean;
  user: User | null;
  error: string | null;
}

/**
 * The HTTP endpoints of PROTOCOL.md, relative to the app's root URL (so the UI works wherever the
 * server mounts it). Cookies ride along same-origin, which is how the auth session travels.
 */
export class ApiClient {
  constructor(private readonly root: string) {}

  url(path: string): string {
    return new URL(`api/${path}`, this.root).toString();
  }

  async config(): Promise<LoadedConfig> {
    const response = await fetch(this.url("config"), { credentials: "same-origin" });
    return {
      config: normalizeConfig(await this.readJson(response, "config")),
      theme: themeAvailability(response.headers.get(THEME_HEADER)),
      serverConversations: response.headers.get(CONVERSATIONS_HEADER)?.trim().toLowerCase() === "server",
    };
  }

  /**
   * Starts a chat turn; the caller reads the event stream from the response. It asks for a
   * resumable turn: a server that grants one answers with a resume token (see `resume`).
   */
  async chat(request: ChatMessageRequest, signal: AbortSignal): Promise<Response> {
    const response = await fetch(this.url("chat"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream", [RESUMABLE_HEADER]: "1" },
      body: JSON.stringify(request),
      credentials: "same-origin",
      signal,
    });
    return this.eventStream(response);
  }

  /** Re-attaches to a resumable turn: the events after `lastEventId` (all without it), then live ones. */
  async resume(messageId: string, token: string, lastEventId: string | undefined, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Accept: "text/event-stream", [RESUME_TOKEN_HEADER]: token };
    if (lastEventId !== undefined) headers[LAST_EVENT_ID_HEADER] = lastEventId;
    const response = await fetch(this.url(`chat/${encodeURIComponent(messageId)}/stream`), { headers, credentials: "same-origin", signal });
    return this.eventStream(response);
  }

  /** Stops a resumable turn on the server (closing its connection alone does not). */
  async stopTurn(messageId: string, token: string): Promise<void> {
    await this.json(`chat/${encodeURIComponent(messageId)}/stop`, { method: "POST", headers: { [RESUME_TOKEN_HEADER]: token } });
  }

  private async eventStream(response: Response): Promise<Response> {
    if (!response.ok) throw await toApiError(response);
    // A proxy's HTML page or a misrouted request would otherwise read as an empty answer.
    if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
      await response.body?.cancel();
      throw new ApiError(response.status, "The server did not answer with an event stream.");
    }
    return response;
  }

  async feedback(messageId: string, feedback: FeedbackType, payload: JsonObject | null): Promise<void> {
    const body: JsonObject = { message_id: messageId, feedback };
    if (payload) body.payload = payload;
    await this.json("feedback", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  }

  async upload(file: File): Promise<string> {
    const form = new FormData();
    form.append("file", file, file.name);
    const result = (await this.json("upload", { method: "POST", body: form })) as { filename?: unknown };
    return typeof result?.filename === "string" ? result.filename : file.name;
  }

  /** A page of the signed-in user's conversations kept on the server, newest first. */
  async conversations(options: { limit?: number; cursor?: string | null } = {}): Promise<ConversationListResponse> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    if (options.cursor) query.set("cursor", options.cursor);
    const search = query.toString();
    const page = (await this.json(`conversations${search ? `?${search}` : ""}`)) as Partial<ConversationListResponse> | null;
    if (!Array.isArray(page?.conversations)) throw new ApiError(200, "The server's list of conversations could not be read.");
    return { conversations: page.conversations, next_cursor: typeof page.next_cursor === "string" ? page.next_cursor : null };
  }

  /** One of the user's conversations with its interactions; null when there is none with this id (or it is someone else's). */
  async conversation(id: string): Promise<ConversationResponse | null> {
    const response = await fetch(this.url(`conversations/${encodeURIComponent(id)}`), { credentials: "same-origin" });
    if (response.status === 404) return null;
    const conversation = (await this.readJson(response, "conversations")) as Partial<ConversationResponse> | null;
    if (!Array.isArray(conversation?.interactions)) throw new ApiError(200, "The server's conversation could not be read.");
    return conversation as ConversationResponse;
  }

  /** Deletes one of the user's conversations on the server; one that is already gone counts as deleted. */
  async deleteConversation(id: string): Promise<void> {
    const response = await fetch(this.url(`conversations/${encodeURIComponent(id)}`), { method: "DELETE", credentials: "same-origin" });
    if (response.status === 404) return;
    await this.readJson(response, "conversations");
  }

  /** The signed-in user, or null when there is no session. */
  async user(): Promise<User | null> {
    const response = await fetch(this.url("user"), { credentials: "same-origin" });
    if (response.status === 401 || response.status === 404) return null;
    if (!response.ok) throw await toApiError(response);
    return (await response.json()) as User;
  }

  async login(username: string, password: string): Promise<LoginResult> {
    const response = await fetch(this.url("auth/login"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password }),
      credentials: "same-origin",
    });
    const body = (await response.json().catch(() => null)) as { success?: boolean; user?: User | null; error_message?: string | null; detail?: unknown } | null;
    if (response.ok && body?.success) return { success: true, user: body.user ?? null, error: null };
    const error = body?.error_message ?? (typeof body?.detail === "string" ? body.detail : null);
    return { success: false, user: null, error: error ?? "Sign-in failed." };
  }

  async logout(): Promise<void> {
    await fetch(this.url("auth/logout"), { method: "POST", credentials: "same-origin" });
  }

  /** True when the server has a `--theme` stylesheet (GET /api/theme answers 200 text/css). */
  async hasTheme(): Promise<boolean> {
    try {
      const response = await fetch(this.url("theme"), { method: "GET", credentials: "same-origin" });
      const type = response.headers.get("content-type") ?? "";
      await response.body?.cancel();
      return response.ok && type.includes("text/css");
    } catch {
      return false;
    }
  }

  private async json(path: string, init: RequestInit = {}): Promise<unknown> {
    return this.readJson(await fetch(this.url(path), { credentials: "same-origin", ...init }), path);
  }

  private async readJson(response: Response, path: string): Promise<unknown> {
    if (!response.ok) throw await toApiError(response);
    try {
      return await response.json();
    } catch {
      throw new ApiError(response.status, `The server's answer to ${path} is not JSON.`);
    }
  }
}

function themeAvailability(header: string | null): ThemeAvailability | null {
  const value = header?.trim().toLowerCase();
  return value === "css" || value === "none" ? value : null;
}
