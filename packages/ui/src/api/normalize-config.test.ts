import { normalizeConfig } from "./normalize-config";

describe("normalizeConfig", () => {
  it("fills every key when the server sent little or nothing", () => {
    expect(normalizeConfig({})).toEqual({
      feedback: { like: { enabled: false, form: null }, dislike: { enabled: false, form: null } },
      customization: null,
      user_settings: { form: null },
      supports_upload: false,
      debug_mode: false,
      conversation_history: false,
      show_usage: false,
      authentication: { enabled: false, auth_types: [], oauth2_providers: [] },
    });
    expect(normalizeConfig(null).feedback.like.enabled).toBe(false);
  });

  it("keeps a full Ragbits config as it is", () => {
    const form = { type: "object", properties: { reason: { type: "string" } } };
    const config = {
      feedback: { like: { enabled: true, form }, dislike: { enabled: true, form: null } },
      customization: { header: { title: "Bot", subtitle: null, logo: "🐰" }, welcome_message: "Hi", starter_questions: ["A?"], meta: { favicon: null, page_title: "Bot" } },
      user_settings: { form },
      supports_upload: true,
      debug_mode: true,
      conversation_history: true,
      show_usage: true,
      authentication: { enabled: true, auth_types: ["credentials"], oauth2_providers: [] },
    };
    expect(normalizeConfig(config)).toEqual(config);
  });

  it("treats wrongly typed values as off", () => {
    const c = normalizeConfig({ supports_upload: "yes", feedback: { like: { enabled: 1, form: "x" } }, authentication: { enabled: true, auth_types: ["credentials", 3] } });
    expect(c.supports_upload).toBe(false);
    expect(c.feedback.like).toEqual({ enabled: false, form: null });
    expect(c.authentication.auth_types).toEqual(["credentials"]);
  });

  it("fills the customization keys an older Ragbits server leaves out", () => {
    const c = normalizeConfig({ customization: { header: null, welcome_message: "Hello", starter_questions: ["A?", 7] } });
    expect(c.customization).toEqual({
      header: { title: null, subtitle: null, logo: null },
      welcome_message: "Hello",
      starter_questions: ["A?"],
      meta: { favicon: null, page_title: null },
    });
  });
});
