import { memo } from "preact/compat";
import { useEffect, useRef, useState } from "preact/hooks";
import { type ConversationSummary } from "../chat/chat-types";
import { useServices } from "./app-context";
import { Dialog } from "./dialog";
import { Icon } from "./icon";

interface Props {
  conversations: ConversationSummary[];
  /** Older conversations can be listed ("Show older"). */
  more: boolean;
  /** The open conversation's key; null when it is not listed yet (a new one the server has not named). */
  activeId: string | null;
  open: boolean;
  onNavigate: () => void;
}

/**
 * Conversations kept in this browser (new, open, rename, delete) or by the server (new, open,
 * delete; older ones a page at a time). Memoized (see HeaderBar).
 */
export const Sidebar = memo(function Sidebar({ conversations, more, activeId, open, onNavigate }: Props) {
  const { controller, notify } = useServices();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<ConversationSummary | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const newChatButton = useRef<HTMLButtonElement>(null);
  const onServer = !controller.canRename;

  // On a phone the sidebar is a drawer: opening it moves focus inside, Esc closes it.
  useEffect(() => {
    if (open) newChatButton.current?.focus();
  }, [open]);

  const openConversation = async (id: string) => {
    try {
      if (!(await controller.openConversation(id))) notify("That conversation no longer exists.", "error");
    } catch (error) {
      notify(`The conversation could not be opened: ${reason(error)}`, "error");
    }
    onNavigate();
  };

  const deleteConversation = async (id: string) => {
    try {
      await controller.deleteConversation(id);
    } catch (error) {
      notify(`The conversation could not be deleted: ${reason(error)}`, "error");
    }
  };

  const showOlder = async () => {
    setLoadingMore(true);
    try {
      await controller.loadMoreConversations();
    } catch (error) {
      notify(`Older conversations could not be loaded: ${reason(error)}`, "error");
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <nav
      id="sidebar"
      class={open ? "sidebar open" : "sidebar"}
      aria-label="Conversations"
      onKeyDown={(e) => {
        if (open && e.key === "Escape" && !deleting) {
          e.stopPropagation();
          onNavigate();
        }
      }}
    >
      <button
        ref={newChatButton}
        type="button"
        class="button new-chat"
        onClick={() => {
          controller.startNewConversation();
          onNavigate();
        }}
      >
        <Icon name="plus" /> New chat
      </button>
      {conversations.length === 0 ? (
        <p class="sidebar-empty">Your conversations will appear here.</p>
      ) : (
        <ul class="conversation-list">
          {conversations.map((c) => (
            <li key={c.id} class={c.id === activeId ? "conversation active" : "conversation"}>
              {renaming === c.id ? (
                <RenameForm
                  title={c.title}
                  onDone={(title) => {
                    setRenaming(null);
                    if (title !== null) void controller.renameConversation(c.id, title);
                  }}
                />
              ) : (
                <>
                  <button type="button" class="conversation-open" aria-current={c.id === activeId ? "page" : undefined} onClick={() => void openConversation(c.id)}>
                    {c.title}
                  </button>
                  {!onServer && (
                    <button type="button" class="icon-button small" aria-label={`Rename "${c.title}"`} onClick={() => setRenaming(c.id)}>
                      <Icon name="edit" />
                    </button>
                  )}
                  <button type="button" class="icon-button small" aria-label={`Delete "${c.title}"`} onClick={() => setDeleting(c)}>
                    <Icon name="trash" />
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {more && (
        <button type="button" class="button secondary show-older" disabled={loadingMore} onClick={() => void showOlder()}>
          {loadingMore ? "Loading…" : "Show older"}
        </button>
      )}
      {deleting && (
        <Dialog title="Delete conversation?" onClose={() => setDeleting(null)}>
          <p>
            “{deleting.title}” will be {onServer ? "deleted from the server, for every device you use" : "removed from this browser"}. This cannot be undone.
          </p>
          <div class="form-actions">
            <button type="button" class="button secondary" onClick={() => setDeleting(null)}>
              Cancel
            </button>
            <button
              type="button"
              class="button danger"
              onClick={() => {
                void deleteConversation(deleting.id);
                setDeleting(null);
              }}
            >
              Delete
            </button>
          </div>
        </Dialog>
      )}
    </nav>
  );
});

function RenameForm({ title, onDone }: { title: string; onDone: (title: string | null) => void }) {
  const [value, setValue] = useState(title);
  // Enter submits and then the input's blur fires as it goes away: finish only once.
  const finished = useRef(false);
  const finish = (result: string | null) => {
    if (finished.current) return;
    finished.current = true;
    onDone(result);
  };
  return (
    <form
      class="rename-form"
      onSubmit={(e) => {
        e.preventDefault();
        finish(value.trim() ? value : null);
      }}
    >
      <label class="visually-hidden" for="rename-input">
        Conversation name
      </label>
      <input
        id="rename-input"
        value={value}
        maxLength={120}
        ref={(el) => {
          if (el && document.activeElement !== el) el.select();
        }}
        onInput={(e) => setValue(e.currentTarget.value)}
        onBlur={() => finish(value.trim() ? value : null)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            finish(null);
          }
        }}
      />
    </form>
  );
}

function reason(error: unknown): string {
  return error instanceof Error && error.message ? error.message : "the server could not be reached.";
}
