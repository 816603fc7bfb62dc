import { errorMarker, hasMarker, markClass } from "./error-marker";
import { type SchemaIssue, describeIssues } from "../structured-output/standard-schema";

const MARKERS = {
  PromptDefinitionError: errorMarker("PromptDefinitionError"),
  PromptInputError: errorMarker("PromptInputError"),
  ToolDefinitionError: errorMarker("ToolDefinitionError"),
  ToolArgumentsError: errorMarker("ToolArgumentsError"),
};

/**
 * A prompt that cannot work, found when it is defined (`definePrompt`), not when it is first sent:
 * a template names a variable its input schema lacks, a few-shot example does not match its
 * schemas, a schema cannot be expressed as JSON Schema.
 */
export class PromptDefinitionError extends Error {
  static {
    markClass(this, MARKERS.PromptDefinitionError);
  }

  static isInstance(value: unknown): value is PromptDefinitionError {
    return hasMarker(value, MARKERS.PromptDefinitionError);
  }

  constructor(message: string) {
    super(message);
    this.name = "PromptDefinitionError";
  }
}

/** A prompt was created with input its schema rejects. `issues` says what is wrong. */
export class PromptInputError extends Error {
  static {
    markClass(this, MARKERS.PromptInputError);
  }

  static isInstance(value: unknown): value is PromptInputError {
    return hasMarker(value, MARKERS.PromptInputError);
  }

  readonly issues: readonly SchemaIssue[];
  constructor(promptName: string, issues: readonly SchemaIssue[]) {
    super(`invalid input for prompt "${promptName}": ${describeIssues(issues)}`);
    this.name = "PromptInputError";
    this.issues = issues;
  }
}

/** A tool that cannot be offered to a model: a bad name, parameters that are not an object schema. */
export class ToolDefinitionError extends Error {
  static {
    markClass(this, MARKERS.ToolDefinitionError);
  }

  static isInstance(value: unknown): value is ToolDefinitionError {
    return hasMarker(value, MARKERS.ToolDefinitionError);
  }

  constructor(message: string) {
    super(message);
    this.name = "ToolDefinitionError";
  }
}

/**
 * The model called a tool with arguments its parameter schema rejects (or that are not JSON).
 * It carries everything needed to tell the model what went wrong so it can try again: `runTools`
 * sends `message` back as the tool's result.
 */
export class ToolArgumentsError extends Error {
  static {
    markClass(this, MARKERS.ToolArgumentsError);
  }

  static isInstance(value: unknown): value is ToolArgumentsError {
    return hasMarker(value, MARKERS.ToolArgumentsError);
  }

  readonly toolName: string;
  readonly toolCallId: string;
  /** The arguments exactly as the model wrote them. */
  readonly rawArguments: string;
  readonly issues: readonly SchemaIssue[];

  constructor(options: { toolName: string; toolCallId: string; rawArguments: string; issues: readonly SchemaIssue[] }) {
    super(`invalid arguments for tool "${options.toolName}": ${describeIssues(options.issues)}`);
    this.name = "ToolArgumentsError";
    this.toolName = options.toolName;
    this.toolCallId = options.toolCallId;
    this.rawArguments = options.rawArguments;
    this.issues = options.issues;
  }
}
