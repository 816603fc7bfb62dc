import { type ChatResponse, type Image, type MessageUsage, type Reference } from "../protocol/chat-response";
import { type SignedState } from "./chat-request";

/** Everything one turn streamed, gathered: what `run()` resolves to. */
export interface ChatRunResult {
  /** The answer's text (what followed the last `clear_message`, if any). */
  text: string;
  messageId: string | undefined;
  conversationId: string | undefined;
  summary: string | undefined;
  references: Reference[];
  /** The last suggested follow-ups. */
  followupMessages: string[];
  /** Images, chunked ones reassembled into data: URLs. */
  images: Image[];
  /** The last usage report, per model. */
  usage: Record<string, MessageUsage> | undefined;
  /** The last signed state the server sent. */
  state: SignedState | undefined;
  /** Messages of in-band `error` events (the app's chat() failed); the turn itself still completed. */
  errors: string[];
  /** Every response, in order. */
  events: ChatResponse[];
}

/** Reads a stream of responses to its end and gathers it into a ChatRunResult. */
export async function collectRunResult(responses: AsyncIterable<ChatResponse>): Promise<ChatRunResult> {
  const result: ChatRunResult = {
    text: "",
    messageId: undefined,
    conversationId: undefined,
    summary: undefined,
    references: [],
    followupMessages: [],
    images: [],
    usage: undefined,
    state: undefined,
    errors: [],
    events: [],
  };
  for await (const response of responses) addResponse(result, response);
  return result;
}

function addResponse(result: ChatRunResult, response: ChatResponse): void {
  result.events.push(response);
  switch (response.type) {
    case "text":
      result.text += response.content.text;
      break;
    case "message_id":
      result.messageId = response.content.message_id;
      break;
    case "conversation_id":
      result.conversationId = response.content.conversation_id;
      break;
    case "conversation_summary":
      result.summary = response.content.summary;
      break;
    case "reference":
      result.references.push(response.content);
      break;
    case "followup_messages":
      result.followupMessages = [...response.content.messages];
      break;
    case "image":
      result.images.push(response.content);
      break;
    case "usage":
      result.usage = response.content.usage;
      break;
    case "state_update":
      result.state = { state: response.content.state, signature: response.content.signature };
      break;
    case "error":
      result.errors.push(response.content.message);
      break;
    case "clear_message":
      // As in the Ragbits UI: the message so far is replaced by what follows.
      result.text = "";
      result.references = [];
      result.images = [];
      break;
  }
}
