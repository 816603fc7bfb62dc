import { type ChatSnapshot } from "../chat/chat-controller";
import { type Conversation } from "../chat/chat-types";

interface Props {
  debug: ChatSnapshot["debug"];
  conversation: Conversation;
  onClose: () => void;
}

/** `debug_mode`: the last request's context, the conversation's server-side ids and the raw events. */
export function DebugPanel({ debug, conversation, onClose }: Props) {
  const serverSide = {
    conversation_id: conversation.serverConversationId ?? null,
    state: conversation.state ?? null,
    signature: conversation.signature ?? null,
  };
  return (
    <aside class="debug-panel" aria-label="Debug panel">
      <div class="debug-head">
        <h2>Debug</h2>
        <button type="button" class="button secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      <section>
        <h3>Last request</h3>
        <pre>{debug.request ? JSON.stringify(debug.request.context, null, 2) : "No request yet."}</pre>
        {debug.request && (
          <p class="debug-note">
            message: {JSON.stringify(debug.request.message).slice(0, 200)} · history: {debug.request.history.length} turn(s)
          </p>
        )}
      </section>
      <section>
        <h3>Conversation state</h3>
        <pre>{JSON.stringify(serverSide, null, 2)}</pre>
      </section>
      <section>
        <h3>Events ({debug.events.length})</h3>
        <ol class="debug-events">
          {debug.events.map((entry, i) => (
            <li key={i}>
              <details>
                <summary>
                  <code>{entry.event.type}</code> <span class="debug-time">{new Date(entry.at).toLocaleTimeString()}</span>
                </summary>
                <pre>{typeof entry.event.content === "string" ? entry.event.content : JSON.stringify(entry.event.content, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}
