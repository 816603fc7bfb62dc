import { type ApiClient } from "../api/api-client";
import type { RagbitsConfig, User } from "@ragbits/chat/client";
import type { JsonObject } from "../util/json-types";
import { browserTimezone } from "../chat/build-request";
import { ChatController } from "../chat/chat-controller";
import { type AppServices, type Notify } from "../components/app-context";
import { ApiError } from "../api/api-error";
import { type ConversationRepository } from "../storage/conversation-repository";
import { IndexedDbRepository } from "../storage/indexed-db-repository";
import { SessionPendingTurnStore } from "../storage/pending-turn-store";
import { ServerConversationRepository } from "../storage/server-conversation-repository";
import { animationFrameScheduler } from "../util/frame-scheduler";
import { readStored, writeStored } from "../util/local-store";

interface Options {
  api: ApiClient;
  config: RagbitsConfig;
  user: User | null;
  /** The server keeps the signed-in user's conversations (its config's x-ragbits-conversations header). */
  serverConversations: boolean;
  notify: Notify;
  userSettings: () => JsonObject | null;
  onAuthRequired: () => void;
}

/**
 * The services of one signed-in session. Conversations are kept by the server when it offers to
 * (they follow the user to any browser), else in this browser when the config enables conversation
 * history: with auth on, each user gets their own IndexedDB database, so people sharing a browser
 * do not see each other's conversations.
 */
export function createServices({ api, config, user, serverConversations, notify, userSettings, onAuthRequired }: Options): AppServices {
  const scope = user ? `ragbits-ui:${user.user_id || user.username}` : "ragbits-ui";
  const repository = chooseRepository(api, config, user, serverConversations, scope);
  // Server ids and browser ids are different keys: each kind remembers its own open conversation.
  const activeKey = `${repository?.kind === "server" ? "active-server-conversation" : "active-conversation"}:${scope}`;
  const controller = new ChatController({
    startChat: (request, signal) => api.chat(request, signal),
    resumeChat: (messageId, token, lastEventId, signal) => api.resume(messageId, token, lastEventId, signal),
    stopChat: (messageId, token) => api.stopTurn(messageId, token),
    // A reload re-attaches to the answer that was streaming (per user: people may share a browser).
    pendingTurns: new SessionPendingTurnStore(`ragbits-ui:pending-turn:${scope}`),
    repository,
    scheduleFrame: animationFrameScheduler,
    userSettings,
    timezone: browserTimezone,
    rememberActive: (id) => writeStored(activeKey, id),
    onAuthRequired,
    keepDebugLog: config.debug_mode,
  });
  // The answer that was streaming before a reload goes on once the open conversation is back.
  const restored = repository ? restore(controller, repository, readStored(activeKey), notify) : Promise.resolve();
  void restored.then(() => controller.resumePending());
  return { api, config, controller, notify };
}

function chooseRepository(api: ApiClient, config: RagbitsConfig, user: User | null, serverConversations: boolean, scope: string): ConversationRepository | null {
  // The server keeps them only for signed-in users.
  if (serverConversations && user) return new ServerConversationRepository(api);
  return config.conversation_history ? new IndexedDbRepository(scope) : null;
}

// Reopens the conversation that was open before the reload, and fills the sidebar.
async function restore(controller: ChatController, repository: ConversationRepository, activeId: string | null, notify: Notify): Promise<void> {
  try {
    if (activeId) await controller.openConversation(activeId);
    await controller.refreshConversations();
  } catch (error) {
    if (repository.kind === "browser") notify("Saved conversations could not be loaded (browser storage unavailable).", "error");
    else if (!(error instanceof ApiError && error.status === 401)) notify(`Your conversations could not be loaded: ${describe(error)}`, "error");
  }
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.message : "the server could not be reached.";
}
