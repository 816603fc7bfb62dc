import { MARKER_BYTE } from "../upstream/stream-shape";

/**
 * Text chunks carried by a piece of a response body: each chunk the upstream sends begins with
 * the marker byte, and every server under test passes chunk text through unchanged (inside its own
 * framing), so a byte scan counts events the same way for all of them without parsing any.
 */
export function countMarkers(buffer: Buffer): number {
  let count = 0;
  for (let at = buffer.indexOf(MARKER_BYTE); at !== -1; at = buffer.indexOf(MARKER_BYTE, at + 1)) count++;
  return count;
}
