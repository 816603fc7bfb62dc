import { safeImageUrl, safeLinkUrl } from "./safe-url";

describe("safeLinkUrl", () => {
  it.each(["https://a.example/x?y=1", "http://a.example", "mailto:me@a.example", "/docs/page", "docs/page", "#section", "//cdn.example/x"])("allows %s", (url) => {
    expect(safeLinkUrl(url)).toBe(url);
  });

  it.each(["javascript:alert(1)", " JAVASCRIPT:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "data:text/html,<script>", "vbscript:x", "file:///etc/passwd", "", null])("rejects %p", (url) => {
    expect(safeLinkUrl(url)).toBeNull();
  });
});

describe("safeImageUrl", () => {
  it("allows web, blob and raster data: images", () => {
    expect(safeImageUrl("https://a.example/i.png")).toBe("https://a.example/i.png");
    expect(safeImageUrl("blob:https://a.example/uuid")).toBe("blob:https://a.example/uuid");
    expect(safeImageUrl("data:image/png;base64,iVBOR")).toBe("data:image/png;base64,iVBOR");
  });

  it("rejects scripts, SVG and non-image data", () => {
    expect(safeImageUrl("javascript:alert(1)")).toBeNull();
    expect(safeImageUrl("data:image/svg+xml;base64,PHN2Zz4=")).toBeNull();
    expect(safeImageUrl("data:text/html,<b>")).toBeNull();
  });
});
