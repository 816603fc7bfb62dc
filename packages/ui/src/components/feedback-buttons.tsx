import { useState } from "preact/hooks";
import type { FeedbackType } from "@ragbits/chat/client";
import type { JsonObject } from "../util/json-types";
import { type ChatMessage } from "../chat/chat-types";
import { JsonSchemaForm } from "../forms/json-schema-form";
import { useServices } from "./app-context";
import { Dialog } from "./dialog";
import { Icon } from "./icon";

const LABELS: Record<FeedbackType, string> = { like: "Good answer", dislike: "Bad answer" };

/** Like/dislike for one answer; a configured form opens first and its values are the payload. */
export function FeedbackButtons({ message }: { message: ChatMessage }) {
  const { api, config, controller, notify } = useServices();
  const [formFor, setFormFor] = useState<FeedbackType | null>(null);
  const serverId = message.serverId;

  const send = async (type: FeedbackType, payload: JsonObject | null) => {
    if (!serverId) return;
    try {
      await api.feedback(serverId, type, payload);
      controller.setFeedback(message.id, type);
      setFormFor(null);
      notify("Thanks for the feedback.");
    } catch (error) {
      notify(`Feedback was not saved: ${(error as Error).message}`, "error");
    }
  };

  const choose = (type: FeedbackType) => {
    if (config.feedback[type].form) setFormFor(type);
    else void send(type, null);
  };

  const types = (["like", "dislike"] as const).filter((t) => config.feedback[t].enabled);
  const form = formFor ? config.feedback[formFor].form : null;
  return (
    <>
      {types.map((type) => (
        <button
          key={type}
          type="button"
          class={message.feedback === type ? "icon-button active" : "icon-button"}
          aria-label={LABELS[type]}
          title={serverId ? LABELS[type] : "The server did not name this answer, so it cannot take feedback"}
          aria-pressed={message.feedback === type}
          disabled={!serverId}
          data-feedback={type}
          onClick={() => choose(type)}
        >
          <Icon name={type} />
        </button>
      ))}
      {formFor && form && (
        <Dialog title={typeof form.title === "string" ? form.title : formFor === "like" ? "What was good?" : "What went wrong?"} onClose={() => setFormFor(null)}>
          <JsonSchemaForm
            schema={form}
            idPrefix={`feedback-${message.id}`}
            submitLabel="Send feedback"
            onSubmit={(payload) => send(formFor, payload)}
            onCancel={() => setFormFor(null)}
          />
        </Dialog>
      )}
    </>
  );
}
