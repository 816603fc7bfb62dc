// `pnpm start`: serves the tutorial's final app with its UI at http://127.0.0.1:8000
// (HOST and PORT change where it listens).
import { RagbitsAPI } from "@ragbits/chat";
import { SimpleStreamingChat } from "./main";

const running = await new RagbitsAPI(SimpleStreamingChat).run({ host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 8000) });

// Ctrl+C (or a process manager's SIGTERM) is how this server is meant to stop: close it gracefully,
// say so in one line and exit 0, so `npm start` does not report a failed script. Ctrl+C reaches every
// process of the group (npm, tsx, this one): a repeated signal while closing changes nothing.
let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  running.close().then(
    () => {
      console.log("Stopped.");
      process.exit(0);
    },
    (error: unknown) => {
      console.error("Stopping failed:", error);
      process.exit(1);
    },
  );
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
