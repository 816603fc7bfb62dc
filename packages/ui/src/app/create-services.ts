import { type ApiClient } from "../api/api-client";
import type { RagbitsConfig, User } from "@ragbits/chat/client";
import type { JsonObject } from "../util/json-types";
import { browserTimezone } from "../chat/build-request";
import { ChatController } from "../chat/chat-controller";
import { type AppServices, type Notify } from "../components/app-context";
import { IndexedDbRepository } from "../storage/indexed-db-repository";
import { animationFrameScheduler } from "../util/frame-scheduler";
import { readStored, writeStored } from "../util/local-store";

interface Options {
  api: ApiClient;
  config: RagbitsConfig;
  user: User | null;
  notify: Notify;
  userSettings: () => JsonObject | null;
  onAuthRequired: () => void;
}

/**
 * The services of one signed-in session. With auth on, each user gets their own IndexedDB
 * database, so people sharing a browser do not see each other's conversations.
 */
export function createServices({ api, config, user, notify, userSettings, onAuthRequired }: Options): AppServices {
  const scope = user ? `ragbits-ui:${user.user_id || user.username}` : "ragbits-ui";
  const activeKey = `active-conversation:${scope}`;
  const repository = config.conversation_history ? new IndexedDbRepository(scope) : null;
  const controller = new ChatController({
    startChat: (request, signal) => api.chat(request, signal),
    repository,
    scheduleFrame: animationFrameScheduler,
    userSettings,
    timezone: browserTimezone,
    rememberActive: (id) => writeStored(activeKey, id),
    onAuthRequired,
    keepDebugLog: config.debug_mode,
  });
  if (repository) void restore(controller, readStored(activeKey), notify);
  return { api, config, controller, notify };
}

// Reopens the conversation that was open before the reload, and fills the sidebar.
async function restore(controller: ChatController, activeId: string | null, notify: Notify): Promise<void> {
  try {
    if (activeId) await controller.openConversation(activeId);
    await controller.refreshConversations();
  } catch {
    notify("Saved conversations could not be loaded (browser storage unavailable).", "error");
  }
}
