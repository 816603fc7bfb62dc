import { describeDetail, toApiError } from "./api-error";

describe("toApiError", () => {
  it("uses the server's detail message", async () => {
    const error = await toApiError(new Response(JSON.stringify({ detail: "Invalid state signature" }), { status: 400 }));
    expect(error).toMatchObject({ status: 400, message: "Invalid state signature" });
  });

  it("summarizes 422 validation errors", () => {
    expect(describeDetail([{ type: "missing", loc: ["body", "message"], msg: "Field required", input: {} }])).toBe("message: Field required");
  });

  it("falls back to the status when the body says nothing useful", async () => {
    const error = await toApiError(new Response("", { status: 502, statusText: "Bad Gateway" }));
    expect(error.message).toBe("The server answered 502 Bad Gateway");
  });
});
