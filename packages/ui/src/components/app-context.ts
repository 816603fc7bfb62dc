import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type ApiClient } from "../api/api-client";
import type { RagbitsConfig } from "@ragbits/chat/client";
import { type ChatController } from "../chat/chat-controller";

export type Notify = (text: string, kind?: "info" | "error") => void;

/** What every part of the chat view needs; created once per signed-in session. */
export interface AppServices {
  api: ApiClient;
  config: RagbitsConfig;
  controller: ChatController;
  notify: Notify;
}

export const AppContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error("useServices() outside <AppContext.Provider>");
  return services;
}
