/**
 * Forms as users write them: zod 4, zod 3 (a real zod@3.25 install, aliased as `zod3`, with its
 * `zod/v3` and `zod/v4` entries) and plain JSON Schema. /api/config must carry JSON Schema the UI can
 * render — never a zod object's internals — and a schema it cannot carry fails at start-up.
 */
import pino from "pino";
import { z } from "zod";
import * as zod3 from "zod3";
import * as zod3v3 from "zod3/v3";
import * as zod3v4 from "zod3/v4";
import { type ChatInterface, type ChatResponse, FormSchemaError, RagbitsAPI, ChatInterface as ChatInterfaceClass } from "../../src";
import { startApi } from "../helpers/start-api";

class Bare extends ChatInterfaceClass {
  async *chat(): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse("hi");
  }
}

/** The JSON Schema every variant of the settings form below must become (written out by hand). */
const SETTINGS_PROPERTIES = {
  language: { type: "string", enum: ["en", "pl"], description: "Answer language" },
  verbose: { type: "boolean" },
  maxWords: { type: "integer", minimum: 1 },
};

async function configOf(chat: ChatInterface): Promise<Record<string, any>> {
  const server = await startApi(chat);
  try {
    const response = await fetch(`${server.url}/api/config`);
    expect(response.status).toBe(200);
    const text = await response.text();
    // What broke forms before: a zod object's internals sent as the "schema".
    expect(text).not.toContain("_def");
    expect(text).not.toContain("_zod");
    return JSON.parse(text);
  } finally {
    await server.close();
  }
}

function expectSettingsForm(form: Record<string, any>): void {
  expect(form.type).toBe("object");
  expect(form.properties.language).toMatchObject(SETTINGS_PROPERTIES.language);
  expect(form.properties.verbose).toMatchObject(SETTINGS_PROPERTIES.verbose);
  expect(form.properties.maxWords).toMatchObject(SETTINGS_PROPERTIES.maxWords);
  // A field with a default is one the user may leave empty: the schema of the form's input.
  expect(form.required).toEqual(["language"]);
  expect(form.properties.verbose.default).toBe(false);
}

describe("GET /api/config converts every kind of form schema to JSON Schema", () => {
  it("zod 3 (zod@3.25's main entry)", async () => {
    class Zod3Chat extends Bare {
      override userSettings = {
        form: zod3.z.object({
          language: zod3.z.enum(["en", "pl"]).describe("Answer language"),
          verbose: zod3.z.boolean().default(false),
          maxWords: zod3.z.number().int().min(1).optional(),
        }),
      };
    }
    expectSettingsForm((await configOf(new Zod3Chat())).user_settings.form);
  });

  it("zod 3 through zod@3.25's `zod/v3` entry, in a feedback form", async () => {
    class Zod3v3Chat extends Bare {
      override feedbackConfig = {
        dislike: {
          enabled: true,
          form: zod3v3.z.object({
            language: zod3v3.z.enum(["en", "pl"]).describe("Answer language"),
            verbose: zod3v3.z.boolean().default(false),
            maxWords: zod3v3.z.number().int().min(1).optional(),
          }),
        },
      };
    }
    expectSettingsForm((await configOf(new Zod3v3Chat())).feedback.dislike.form);
  });

  it("zod 4 as bundled with zod@3.25 (`zod/v4`), descriptions included", async () => {
    class Zod3v4Chat extends Bare {
      override feedbackConfig = {
        like: {
          enabled: true,
          form: zod3v4.z.object({
            language: zod3v4.z.enum(["en", "pl"]).describe("Answer language"),
            verbose: zod3v4.z.boolean().default(false),
            maxWords: zod3v4.z.number().int().min(1).optional(),
          }),
        },
      };
    }
    expectSettingsForm((await configOf(new Zod3v4Chat())).feedback.like.form);
  });

  it("zod 4", async () => {
    class Zod4Chat extends Bare {
      override userSettings = {
        form: z.object({
          language: z.enum(["en", "pl"]).describe("Answer language"),
          verbose: z.boolean().default(false),
          maxWords: z.number().int().min(1).optional(),
        }),
      };
    }
    expectSettingsForm((await configOf(new Zod4Chat())).user_settings.form);
  });

  it("a plain JSON Schema object, passed on exactly as written", async () => {
    const schema = {
      type: "object",
      title: "Settings",
      properties: { ...SETTINGS_PROPERTIES, verbose: { type: "boolean", default: false } },
      required: ["language"],
    };
    class JsonChat extends Bare {
      override userSettings = { form: schema };
    }
    expect((await configOf(new JsonChat())).user_settings.form).toEqual(schema);
  });
});

describe("a form schema the UI could not use fails at start-up, naming the form and what to use", () => {
  const quiet = () => pino({ level: "silent" });

  async function startUpError(chat: ChatInterface): Promise<FormSchemaError> {
    const api = new RagbitsAPI(chat, { logger: quiet() });
    const error = await api.run({ host: "127.0.0.1", port: 0 }).then(
      async (running) => {
        await running.close();
        throw new Error("the server started");
      },
      (failure: unknown) => failure,
    );
    expect(FormSchemaError.isInstance(error)).toBe(true);
    return error as FormSchemaError;
  }

  it("a schema library this server cannot convert (Standard Schema vendor without JSON Schema support)", async () => {
    const valibotLike = { "~standard": { version: 1, vendor: "valibot", validate: (value: unknown) => ({ value }) }, type: "object" };
    class ValibotChat extends Bare {
      override userSettings = { form: valibotLike };
    }
    const error = await startUpError(new ValibotChat());
    expect(error.form).toBe("userSettings.form");
    expect(error.message).toMatch(/^userSettings\.form: a valibot schema/);
    expect(error.message).toContain("@valibot/to-json-schema");
  });

  it("an object that is neither a zod schema nor JSON Schema (say, a class instance)", async () => {
    class SomeValidator {
      rules = ["required"];
    }
    class OddChat extends Bare {
      override feedbackConfig = { like: { enabled: true, form: new SomeValidator() as unknown as Record<string, unknown> } };
    }
    const error = await startUpError(new OddChat());
    expect(error.message).toMatch(/^feedbackConfig\.like\.form: an instance of SomeValidator is neither a zod schema nor a JSON Schema object/);
    expect(error.message).toContain("npm install zod");
  });

  it("a JSON Schema with a zod schema inside it", async () => {
    class MixedChat extends Bare {
      override userSettings = { form: { type: "object", properties: { name: zod3.z.string() } } };
    }
    const error = await startUpError(new MixedChat());
    expect(error.message).toMatch(/^userSettings\.form: not plain JSON at properties\.name: an instance of ZodString/);
  });

  it("a zod field a browser form cannot hold", async () => {
    class DateChat extends Bare {
      override userSettings = { form: z.object({ when: z.date() }) };
    }
    const error = await startUpError(new DateChat());
    expect(error.message).toMatch(/^userSettings\.form: cannot be described as JSON Schema: .*Date/);
  });
});
