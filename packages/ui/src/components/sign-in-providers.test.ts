import { signInProviders } from "./sign-in-providers";

describe("signInProviders", () => {
  it("reads Python Ragbits' OAuth2ProviderConfig entries", () => {
    expect(
      signInProviders([
        { name: "discord", display_name: "Discord", color: "#5865F2", button_color: "#5865F2", text_color: "#FFFFFF", icon_svg: '<svg viewBox="0 0 1 1"></svg>' },
        { name: "keycloak", display_name: null, color: "#6B7280", button_color: null, text_color: null, icon_svg: null },
      ]),
    ).toEqual([
      { name: "discord", displayName: "Discord", buttonColor: "#5865F2", textColor: "#FFFFFF", iconSvg: '<svg viewBox="0 0 1 1"></svg>' },
      { name: "keycloak", displayName: "keycloak", buttonColor: "#6B7280", textColor: null, iconSvg: null },
    ]);
  });

  it("leaves out entries it cannot make a safe button for, and values that are not plain colors or SVG", () => {
    expect(signInProviders([null, "google", { display_name: "No name" }, { name: "../admin" }])).toEqual([]);
    expect(signInProviders([{ name: "x", button_color: "url(https://evil.example/t.png)", text_color: "red; background: url(x)", icon_svg: "<img src=x onerror=alert(1)>" }])).toEqual([
      { name: "x", displayName: "x", buttonColor: null, textColor: null, iconSvg: null },
    ]);
  });
});
