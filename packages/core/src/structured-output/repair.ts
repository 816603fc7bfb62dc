import { type LLMOutputParsingError } from "../errors/llm-error";
import { type ChatFormat } from "../prompt/chat-format";
import { describeIssues } from "./standard-schema";

/** The conversation for a repair attempt: the failed answer, then what was wrong with it. */
export function repairMessages(messages: ChatFormat, failure: LLMOutputParsingError): ChatFormat {
  return [
    ...messages,
    { role: "assistant", content: failure.text },
    {
      role: "user",
      content: `Your answer could not be used: ${describeIssues(failure.issues)}. Answer again with only the corrected JSON, matching the schema.`,
    },
  ];
}
