import { useEffect, useRef } from "preact/hooks";
import { type ChatMessage } from "../chat/chat-types";
import { useAutoscroll } from "../hooks/use-autoscroll";
import { useServices } from "./app-context";
import { Icon } from "./icon";
import { MessageView } from "./message-view";
import { Welcome } from "./welcome";

interface Props {
  messages: ChatMessage[];
  streamingId: string | null;
  conversationId: string;
}

/** The scrolling transcript: welcome screen when empty, follow-up chips under the last answer. */
export function MessageList({ messages, streamingId, conversationId }: Props) {
  const { controller } = useServices();
  const scrollRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const { atBottom, scrollToBottom } = useAutoscroll(scrollRef, contentRef);
  const lastAnswer = findLastAnswer(messages);
  const busy = streamingId !== null;
  const followups = !busy && lastAnswer === messages[messages.length - 1] ? (lastAnswer?.followups ?? []) : [];
  const messageCount = messages.length;

  // A new question (or another conversation) always brings the view to the end.
  useEffect(() => scrollToBottom(), [conversationId, scrollToBottom]);
  useEffect(() => {
    if (streamingId || messageCount === 0) scrollToBottom();
  }, [streamingId, messageCount === 0, scrollToBottom]);

  return (
    <div class="transcript">
      <div class="scroller" ref={scrollRef} tabIndex={-1}>
        <div class="messages" ref={contentRef} role="log" aria-live="polite" aria-relevant="additions text" aria-label="Conversation">
          {messages.length === 0 ? (
            <Welcome />
          ) : (
            messages.map((m) => <MessageView key={m.id} message={m} streaming={m.id === streamingId} isLastAnswer={m === lastAnswer} />)
          )}
          {followups.length > 0 && (
            <div class="followups" aria-label="Suggested follow-ups">
              {followups.map((q) => (
                <button key={q} type="button" class="chip" onClick={() => void controller.send(q)}>
                  {q}
                </button>
              ))}
            </div>
          )}
        </div>
      </div>
      {!atBottom && (
        <button type="button" class="jump-to-bottom" aria-label="Jump to the latest message" onClick={() => scrollToBottom(true)}>
          <Icon name="down" />
        </button>
      )}
    </div>
  );
}

function findLastAnswer(messages: ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "assistant") return messages[i];
  return undefined;
}
