/** One SSE event as a client receives it: its `id:` (undefined when it had none) and its `data:` JSON. */
export interface SseFrame {
  id: string | undefined;
  event: { type: string; content: any };
}

/** The complete events of a raw SSE text (comments skipped; a trailing partial event left out). */
export function parseFrames(raw: string): SseFrame[] {
  const blocks = raw.split("\n\n");
  blocks.pop();
  const frames: SseFrame[] = [];
  for (const block of blocks) {
    let id: string | undefined;
    let data: string | undefined;
    for (const line of block.split("\n")) {
      if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("data: ")) data = line.slice(6);
    }
    if (data !== undefined) frames.push({ id, event: JSON.parse(data) });
  }
  return frames;
}

export interface OpenStream {
  status: number;
  headers: Headers;
  /** Reads until `done(frames)` holds (or the stream ends); the frames so far. */
  readUntil(done: (frames: SseFrame[]) => boolean): Promise<SseFrame[]>;
  /** Reads to the end of the stream. */
  readAll(): Promise<SseFrame[]>;
  /** Drops the connection, as a reload or a network failure does. */
  drop(): void;
  /** Everything received so far, as text. */
  raw(): string;
}

/** Opens an SSE request and reads it as far as a test wants. */
export async function openStream(url: string, init: RequestInit): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, signal: controller.signal });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let raw = "";
  let ended = !reader;
  const readUntil = async (done: (frames: SseFrame[]) => boolean): Promise<SseFrame[]> => {
    while (!ended && !done(parseFrames(raw))) {
      const chunk = await reader!.read();
      if (chunk.done) ended = true;
      else raw += decoder.decode(chunk.value, { stream: true });
    }
    return parseFrames(raw);
  };
  return {
    status: response.status,
    headers: response.headers,
    readUntil,
    readAll: () => readUntil(() => false),
    drop: () => controller.abort(),
    raw: () => raw,
  };
}

/** The answer's text, as a client assembles it from `text` events. */
export function answerText(frames: SseFrame[]): string {
  return frames
    .filter((frame) => frame.event.type === "text")
    .map((frame) => frame.event.content.text)
    .join("");
}
