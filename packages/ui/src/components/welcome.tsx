import { useServices } from "./app-context";
import { MarkdownView } from "./markdown-view";

const DEFAULT_WELCOME = "### How can I help you today?";

/** The empty conversation: the server's welcome message (markdown) and starter questions. */
export function Welcome() {
  const { config, controller } = useServices();
  const customization = config.customization;
  const starters = (customization?.starter_questions ?? []).filter((q) => typeof q === "string" && q.trim() !== "");
  return (
    <section class="welcome" aria-label="Welcome">
      <MarkdownView text={customization?.welcome_message || DEFAULT_WELCOME} class="welcome-text" />
      {starters.length > 0 && (
        <div class="starters" aria-label="Starter questions">
          {starters.map((q) => (
            <button key={q} type="button" class="starter" onClick={() => void controller.send(q)}>
              {q}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
