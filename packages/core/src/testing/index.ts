/**
 * @ragbits/core/testing: loopback servers that speak each provider's real wire format, to test
 * code built on @ragbits/core (or on the provider SDKs) offline, with fault injection.
 */
export { MockUpstreamServer, type MockUpstreamOptions, type RecordedRequest, type StreamFrames, type WireFormat } from "./mock-upstream-server";
export { type MockFault, type MockIteration, type MockReply, type MockServerToolCall, type MockToolCall, type MockUsage } from "./mock-reply";
export { OpenAIMockServer, openAIWireFormat } from "./openai-mock-server";
export { AnthropicMockServer, anthropicWireFormat } from "./anthropic-mock-server";
export { OllamaMockServer, ollamaWireFormat } from "./ollama-mock-server";
