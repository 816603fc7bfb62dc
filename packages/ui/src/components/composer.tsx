import { memo } from "preact/compat";
import { useEffect, useRef, useState } from "preact/hooks";
import { useServices } from "./app-context";
import { Icon } from "./icon";

const MAX_HEIGHT_PX = 240;

/** The message box: Enter sends, Shift+Enter adds a line; Stop replaces Send while streaming. Memoized (see HeaderBar). */
export const Composer = memo(function Composer({ streaming }: { streaming: boolean }) {
  const { controller, config } = useServices();
  const [text, setText] = useState("");
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => area.current?.focus(), []);
  useEffect(() => fitHeight(area.current), [text]);

  const send = () => {
    if (streaming || text.trim() === "") return;
    const message = text;
    setText("");
    void controller.send(message);
    area.current?.focus();
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {config.supports_upload && <UploadButton />}
      <label for="composer-input" class="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={area}
        rows={1}
        placeholder="Send a message…"
        aria-describedby="composer-hint"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          // isComposing: Enter that confirms an IME candidate (Japanese, Chinese…) must not send.
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <span id="composer-hint" class="visually-hidden">
        Enter sends, Shift+Enter adds a new line, Escape stops the answer.
      </span>
      {streaming ? (
        <button type="button" class="send-button stop" aria-label="Stop generating (Esc)" title="Stop (Esc)" onClick={() => controller.stop()}>
          <Icon name="stop" />
        </button>
      ) : (
        <button type="submit" class="send-button" aria-label="Send message" title="Send (Enter)" disabled={text.trim() === ""}>
          <Icon name="send" />
        </button>
      )}
    </form>
  );
});

// Grows with the text up to a limit, then scrolls. element.style from script is allowed by the CSP.
function fitHeight(el: HTMLTextAreaElement | null): void {
  if (!el) return;
  el.style.height = "auto";
  el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
}

function UploadButton() {
  const { api, notify } = useServices();
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    try {
      const name = await api.upload(file);
      notify(`Uploaded ${name}.`);
    } catch (error) {
      notify(`Upload failed: ${(error as Error).message}`, "error");
    } finally {
      setUploading(false);
      if (input.current) input.current.value = "";
    }
  };

  return (
    <>
      <input ref={input} id="upload-input" type="file" class="visually-hidden" tabIndex={-1} aria-hidden="true" onChange={(e) => void upload(e.currentTarget.files?.[0])} />
      <button type="button" class="icon-button attach" aria-label={uploading ? "Uploading…" : "Upload a file"} title="Upload a file" disabled={uploading} onClick={() => input.current?.click()}>
        <Icon name="attach" />
      </button>
    </>
  );
}
