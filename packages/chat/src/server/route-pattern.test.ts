import { RoutePattern } from "./route-pattern";

describe("RoutePattern", () => {
  const pattern = new RoutePattern("/api/conversations/:id");

  it("matches one non-empty segment per parameter and decodes it", () => {
    expect(pattern.match("/api/conversations/abc-123")).toEqual({ id: "abc-123" });
    expect(pattern.match("/api/conversations/a%2Fb%20c")).toEqual({ id: "a/b c" });
    expect(pattern.match("/API/Conversations/Case-Kept")).toEqual({ id: "Case-Kept" });
  });

  it("matches nothing else: other lengths, other literals, empty or undecodable segments", () => {
    expect(pattern.match("/api/conversations")).toBeUndefined();
    expect(pattern.match("/api/conversations/")).toBeUndefined();
    expect(pattern.match("/api/conversations/a/b")).toBeUndefined();
    expect(pattern.match("/api/conversation/a")).toBeUndefined();
    expect(pattern.match("/api/conversations/%E0%A4%A")).toBeUndefined();
  });

  it("tells parameterised paths from exact ones", () => {
    expect(RoutePattern.hasParams("/api/conversations/:id")).toBe(true);
    expect(RoutePattern.hasParams("/api/conversations")).toBe(false);
  });
});
