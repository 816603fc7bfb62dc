// The chat UI (index.html and its assets from @ragbits/chat's ui-build) served by the same handler,
// at every path that no other route claims: /, /assets/…, and the UI's own deep links.
import { ragbits } from "../../lib/ragbits";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = ragbits.fetch;
export const HEAD = ragbits.fetch;
