/**
 * A fetch for client tests that breaks connections the way networks do: each response body is
 * re-chunked into small pieces (so a multi-byte character is split across reads), and the Nth
 * response's body can be cut after a given number of bytes — by an error (a reset) or by a clean
 * close (a proxy that gave up). The cut also cancels the real body, so the server sees the client go.
 */
export interface Cut {
  /** Bytes of the body delivered before the cut. */
  afterBytes: number;
  /** "error": the read fails (a reset); "close": the body just ends. */
  how: "error" | "close";
}

export interface CuttingFetch {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Every request made, in order: method and path. */
  requests: Array<{ method: string; path: string; headers: Headers }>;
}

/** `cuts[i]` applies to the i-th response with an event stream; `pieceSizes` cycles to re-chunk bodies. */
export function cuttingFetch(cuts: ReadonlyArray<Cut | undefined>, pieceSizes: readonly number[] = [3, 1, 7, 2, 5]): CuttingFetch {
  const requests: CuttingFetch["requests"] = [];
  let streams = 0;
  return {
    requests,
    fetch: async (url, init) => {
      requests.push({ method: init.method ?? "GET", path: new URL(url).pathname, headers: new Headers(init.headers) });
      const response = await fetch(url, init);
      if (!response.body || !(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) return response;
      const cut = cuts[streams++];
      return new Response(rechunk(response.body, cut, pieceSizes), { status: response.status, statusText: response.statusText, headers: response.headers });
    },
  };
}

function rechunk(body: ReadableStream<Uint8Array>, cut: Cut | undefined, pieceSizes: readonly number[]): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let delivered = 0;
  let piece = 0;
  let pending: Uint8Array = new Uint8Array(0);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (pending.length === 0) {
        const { value, done } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        pending = value;
      }
      let size = Math.min(pending.length, pieceSizes[piece++ % pieceSizes.length]!);
      if (cut && delivered + size >= cut.afterBytes) {
        size = cut.afterBytes - delivered;
        if (size > 0) controller.enqueue(pending.slice(0, size));
        await reader.cancel().catch(() => undefined);
        if (cut.how === "error") controller.error(new TypeError("terminated"));
        else controller.close();
        return;
      }
      controller.enqueue(pending.slice(0, size));
      pending = pending.slice(size);
      delivered += size;
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
