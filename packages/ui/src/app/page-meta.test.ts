/**
 * @jest-environment jsdom
 */
import { type ApiClient } from "../api/api-client";
import { linkServerTheme } from "./page-meta";

/** The part of ApiClient the theme needs; `hasTheme` is the GET /api/theme probe. */
function fakeApi(hasTheme: boolean) {
  const probe = jest.fn(async () => hasTheme);
  const api = { url: (path: string) => `http://host.test/chat/api/${path}`, hasTheme: probe } as unknown as ApiClient;
  return { api, probe };
}

const themeLinks = () => [...document.querySelectorAll<HTMLLinkElement>("link[data-ragbits-theme]")].map((link) => [link.rel, link.href]);

describe("linkServerTheme", () => {
  afterEach(() => document.head.replaceChildren());

  it("does not ask for /api/theme when the config says there is none", async () => {
    const { api, probe } = fakeApi(true);
    await linkServerTheme(api, "none");
    expect(probe).not.toHaveBeenCalled();
    expect(themeLinks()).toEqual([]);
  });

  it("links the stylesheet without a probe when the config says there is one, once", async () => {
    const { api, probe } = fakeApi(false);
    await linkServerTheme(api, "css");
    await linkServerTheme(api, "css");
    expect(probe).not.toHaveBeenCalled();
    expect(themeLinks()).toEqual([["stylesheet", "http://host.test/chat/api/theme"]]);
  });

  it("asks /api/theme when the server did not say (Python Ragbits), and links it only if it is there", async () => {
    const without = fakeApi(false);
    await linkServerTheme(without.api, null);
    expect(without.probe).toHaveBeenCalledTimes(1);
    expect(themeLinks()).toEqual([]);

    const withTheme = fakeApi(true);
    await linkServerTheme(withTheme.api, null);
    expect(withTheme.probe).toHaveBeenCalledTimes(1);
    expect(themeLinks()).toEqual([["stylesheet", "http://host.test/chat/api/theme"]]);
  });
});
