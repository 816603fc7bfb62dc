/**
 * Scenario 2/3 server (b): the tutorial's streaming chat served by `RagbitsAPI.run()` (the
 * node:http/Express adapter). Logging is silenced (pino "silent") so log I/O is not part of what
 * is measured.
 */
import { RagbitsAPI } from "@ragbits/chat";
import { pino } from "pino";
import { serveParent } from "../process/serve-parent";
import { BenchChat } from "./bench-chat";

const running = await new RagbitsAPI(BenchChat, { logger: pino({ level: "silent" }) }).run({ host: "127.0.0.1", port: 0 });
serveParent({}, { url: running.url });
