import { safeReturnPath } from "./return-path";

describe("safeReturnPath", () => {
  it("keeps a page of the app, percent-encoded for a Location header", () => {
    expect(safeReturnPath("/c/42?tab=1#end", "")).toBe("/c/42?tab=1#end");
    expect(safeReturnPath("/c/żółć", "")).toBe("/c/%C5%BC%C3%B3%C5%82%C4%87");
    expect(safeReturnPath("/chat/c/1", "/chat")).toBe("/chat/c/1");
    expect(safeReturnPath("/chat", "/chat")).toBe("/chat");
  });

  it("sends anything else to the app's root: other sites, scheme-relative and backslash tricks, the API, other mounts", () => {
    const refused = [null, "", "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "c/relative", "/a\r\nSet-Cookie: x=1", "/api/user", "/API/chat", "/v1/models"];
    for (const requested of refused) expect({ requested, path: safeReturnPath(requested, "") }).toEqual({ requested, path: "/" });
    expect(safeReturnPath("/other/page", "/chat")).toBe("/chat/");
    expect(safeReturnPath("/chatty", "/chat")).toBe("/chat/");
    expect(safeReturnPath("/chat/api/user", "/chat")).toBe("/chat/");
    expect(safeReturnPath("/chat/../admin", "/chat")).toBe("/chat/");
  });
});
