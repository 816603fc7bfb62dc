import { memo } from "preact/compat";
import { useEffect, useRef, useState } from "preact/hooks";
import { type ChatMessage } from "../chat/chat-types";
import { copyText } from "../util/copy-text";
import { useServices } from "./app-context";
import { FeedbackButtons } from "./feedback-buttons";
import { Icon } from "./icon";
import { MarkdownView } from "./markdown-view";
import { Confirmations, Images, LiveUpdates, PlanItems, References, UsageSummary } from "./message-parts";

interface Props {
  message: ChatMessage;
  streaming: boolean;
  /** The last answer: it alone offers regenerate and retry. */
  isLastAnswer: boolean;
}

/**
 * One message. Memoized on its props: a message object is replaced only when it changes, so while
 * an answer streams the finished ones above it are not rendered again. (Nothing here depends on
 * whether some other answer is streaming: actions that start a request stop the current one first.)
 */
export const MessageView = memo(function MessageView(props: Props) {
  return props.message.role === "user" ? <UserMessage {...props} /> : <AssistantMessage {...props} />;
});

function UserMessage({ message }: Props) {
  const { controller } = useServices();
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <article class="message user" aria-label="Your message (editing)">
        <EditForm
          initial={message.content}
          onCancel={() => setEditing(false)}
          onSave={(text) => {
            setEditing(false);
            void controller.editAndResend(message.id, text);
          }}
        />
      </article>
    );
  }
  return (
    <article class="message user" aria-label="Your message">
      <div class="bubble">{message.content}</div>
      <div class="message-actions">
        <CopyButton text={message.content} label="Copy message" />
        <button type="button" class="icon-button" aria-label="Edit and resend" title="Edit and resend" onClick={() => setEditing(true)}>
          <Icon name="edit" />
        </button>
      </div>
    </article>
  );
}

function AssistantMessage({ message, streaming, isLastAnswer }: Props) {
  const { controller, config } = useServices();
  const hasBody = message.content !== "" || message.images?.length || message.liveUpdates?.length || message.plan?.length;
  return (
    <article class={`message assistant status-${message.status ?? "done"}`} aria-label="Answer" aria-busy={streaming}>
      {message.liveUpdates?.length ? <LiveUpdates updates={message.liveUpdates} /> : null}
      {message.plan?.length ? <PlanItems tasks={message.plan} /> : null}
      {message.content !== "" && <MarkdownView text={message.content} streaming={streaming} />}
      {streaming && !hasBody && (
        <div class="typing" role="status" aria-label="Thinking">
          <span />
          <span />
          <span />
        </div>
      )}
      {message.images?.length ? <Images images={message.images} /> : null}
      {message.confirmations?.length ? (
        <Confirmations
          requests={message.confirmations}
          decisions={message.confirmationDecisions}
          disabled={streaming}
          onDecide={(id, confirmed) => void controller.decideConfirmation(message.id, id, confirmed)}
        />
      ) : null}
      {message.status === "stopped" && <p class="message-note">Stopped.</p>}
      {message.error && (
        <div class="message-error" role="alert">
          <p>{message.error}</p>
          {isLastAnswer && (
            <button type="button" class="button secondary" onClick={() => void controller.regenerate(message.id)}>
              <Icon name="regenerate" /> Retry
            </button>
          )}
        </div>
      )}
      {message.references?.length ? <References references={message.references} /> : null}
      {config.show_usage && message.usage ? <UsageSummary usage={message.usage} /> : null}
      {!streaming && (
        <div class="message-actions">
          {message.content !== "" && <CopyButton text={message.content} label="Copy answer" />}
          <FeedbackButtons message={message} />
          {isLastAnswer && (
            <button type="button" class="icon-button" aria-label="Regenerate answer" title="Regenerate answer" onClick={() => void controller.regenerate(message.id)}>
              <Icon name="regenerate" />
            </button>
          )}
        </div>
      )}
    </article>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (await copyText(text)) {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    }
  };
  return (
    <button type="button" class="icon-button" aria-label={copied ? "Copied" : label} title={label} onClick={copy}>
      <Icon name={copied ? "check" : "copy"} />
    </button>
  );
}

function EditForm({ initial, onSave, onCancel }: { initial: string; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(initial);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => area.current?.focus(), []);
  return (
    <form
      class="edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) onSave(text);
      }}
    >
      <label class="visually-hidden" for="edit-message">
        Edit your message
      </label>
      <textarea
        id="edit-message"
        value={text}
        rows={3}
        ref={area}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onCancel();
          } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            if (text.trim()) onSave(text);
          }
        }}
      />
      <div class="form-actions">
        <button type="button" class="button secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="button primary" disabled={!text.trim()}>
          Save &amp; send
        </button>
      </div>
    </form>
  );
}
