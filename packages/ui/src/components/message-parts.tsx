import type { ConfirmationRequest, LiveUpdate, MessageUsage, Reference, Task } from "@ragbits/chat/client";
import { type ConfirmationDecision, type ImageItem } from "../chat/chat-types";
import { safeImageUrl, safeLinkUrl } from "../util/safe-url";
import { Icon } from "./icon";

/** The non-text parts of an answer. Everything from the server is rendered as text, never HTML. */

export function LiveUpdates({ updates }: { updates: LiveUpdate[] }) {
  return (
    <ul class="live-updates" aria-label="Progress">
      {updates.map((u) => (
        <li key={u.update_id} class={u.type === "FINISH" ? "live-update done" : "live-update running"}>
          <span class="live-dot" aria-hidden="true" />
          <span class="live-label">{u.content.label}</span>
          {u.content.description && <span class="live-description">{u.content.description}</span>}
          <span class="visually-hidden">{u.type === "FINISH" ? "(done)" : "(in progress)"}</span>
        </li>
      ))}
    </ul>
  );
}

const TASK_STATUS: Record<string, string> = { pending: "Pending", in_progress: "In progress", completed: "Completed", failed: "Failed" };

export function PlanItems({ tasks }: { tasks: Task[] }) {
  return (
    <div class="plan">
      <p class="plan-title">Plan</p>
      <ol class="plan-list">
        {tasks.map((t) => (
          <li key={t.id} class={`plan-task status-${t.status}`}>
            <span class="plan-status" aria-label={TASK_STATUS[t.status] ?? t.status} title={TASK_STATUS[t.status] ?? t.status} />
            <span class="plan-description">{t.description}</span>
            {t.result && <span class="plan-result">{t.result}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

export function Images({ images }: { images: ImageItem[] }) {
  return (
    <div class="images">
      {images.map((img) => {
        const src = safeImageUrl(img.url);
        return src ? <img key={img.id} src={src} alt="Image from the answer" loading="lazy" decoding="async" /> : null;
      })}
    </div>
  );
}

export function References({ references }: { references: Reference[] }) {
  return (
    <details class="references">
      <summary>
        {references.length} {references.length === 1 ? "source" : "sources"}
      </summary>
      <ol>
        {references.map((ref, i) => {
          const url = safeLinkUrl(ref.url);
          return (
            <li key={i} class="reference">
              {url ? (
                <a href={url} target="_blank" rel="noopener noreferrer">
                  <Icon name="link" /> {ref.title}
                </a>
              ) : (
                <span class="reference-title">{ref.title}</span>
              )}
              {ref.content && <p class="reference-content">{ref.content}</p>}
            </li>
          );
        })}
      </ol>
    </details>
  );
}

export function UsageSummary({ usage }: { usage: Record<string, MessageUsage> }) {
  const models = Object.entries(usage);
  const total = models.reduce(
    (sum, [, u]) => ({ tokens: sum.tokens + (u.total_tokens ?? 0), cost: sum.cost + (u.estimated_cost ?? 0) }),
    { tokens: 0, cost: 0 },
  );
  return (
    <details class="usage">
      <summary>
        {total.tokens.toLocaleString()} tokens{total.cost > 0 ? ` · $${total.cost.toFixed(4)}` : ""}
      </summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Requests</th>
            <th scope="col">Prompt</th>
            <th scope="col">Completion</th>
            <th scope="col">Total</th>
            <th scope="col">Cost</th>
          </tr>
        </thead>
        <tbody>
          {models.map(([model, u]) => (
            <tr key={model}>
              <th scope="row">{model}</th>
              <td>{u.n_requests}</td>
              <td>{u.prompt_tokens}</td>
              <td>{u.completion_tokens}</td>
              <td>{u.total_tokens}</td>
              <td>{u.estimated_cost ? `$${u.estimated_cost.toFixed(4)}` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

interface ConfirmationsProps {
  requests: ConfirmationRequest[];
  decisions: Record<string, ConfirmationDecision> | undefined;
  disabled: boolean;
  onDecide: (confirmationId: string, confirmed: boolean) => void;
}

export function Confirmations({ requests, decisions, disabled, onDecide }: ConfirmationsProps) {
  return (
    <div class="confirmations">
      {requests.map((r) => {
        const decision = decisions?.[r.confirmation_id];
        return (
          <div key={r.confirmation_id} class={`confirmation ${decision ?? "pending"}`}>
            <p class="confirmation-title">
              {decision === "confirmed" ? "Confirmed" : decision === "declined" ? "Declined" : "Confirmation needed"}: <code>{r.tool_name}</code>
            </p>
            {r.tool_description && <p class="confirmation-description">{r.tool_description}</p>}
            {Object.keys(r.arguments ?? {}).length > 0 && <pre class="confirmation-args">{JSON.stringify(r.arguments, null, 2)}</pre>}
            {!decision && (
              <div class="confirmation-actions">
                <button type="button" class="button primary" disabled={disabled} onClick={() => onDecide(r.confirmation_id, true)}>
                  Confirm
                </button>
                <button type="button" class="button secondary" disabled={disabled} onClick={() => onDecide(r.confirmation_id, false)}>
                  Decline
                </button>
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
