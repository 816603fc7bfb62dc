// `pnpm start`: serves the tutorial's final app with its UI at http://127.0.0.1:8000
// (HOST and PORT change where it listens).
import { RagbitsAPI } from "@ragbits/chat";
import { SimpleStreamingChat } from "./main";

await new RagbitsAPI(SimpleStreamingChat).run({ host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 8000) });
