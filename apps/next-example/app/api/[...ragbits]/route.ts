// The Ragbits API (/api/config, /api/chat, …) as a Next.js route handler. RagbitsAPI.fetch takes a
// web Request and returns a Response; chat answers are a streamed text/event-stream body.
import { ragbits } from "../../../lib/ragbits";

// Answered at request time, never prerendered or cached; on Node.js (the chat server uses Node APIs).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = ragbits.fetch;
export const HEAD = ragbits.fetch;
export const POST = ragbits.fetch;
export const PUT = ragbits.fetch;
export const PATCH = ragbits.fetch;
export const DELETE = ragbits.fetch;
export const OPTIONS = ragbits.fetch;
