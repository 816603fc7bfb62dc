import { RagbitsAPI } from "@ragbits/chat";
import { DemoChat } from "./demo-chat";

/**
 * One RagbitsAPI for the whole app: the API route and the UI route both answer through it.
 * `fetch` is bound, so it can be exported as a route handler as it is.
 */
export const ragbits = new RagbitsAPI(DemoChat);
