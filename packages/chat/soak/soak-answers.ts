/**
 * What the soak's upstream answers: text that mixes scripts and widths, cut into chunks at awkward
 * places (a combining accent apart from its letter, a ZWJ family cut in two, a surrogate pair split
 * between two chunks) and written to the network in pieces of `byteChunkSize` bytes, so UTF-8
 * sequences are split across writes too. The chat client must get back exactly `chunks.join("")`.
 */
export interface SoakAnswer {
  chunks: string[];
  /** Network writes of this many bytes (the mock pauses 1 ms between pieces); none = whole frames. */
  byteChunkSize?: number;
}

export const SOAK_ANSWERS: SoakAnswer[] = [
  { chunks: ["Zażółć ", "gęślą ", "jaźń. ", "Łódź, ", "Kraków."], byteChunkSize: 64 },
  { chunks: ["👩‍", "👩‍👧 family, ", "😀 smile, ", "🇵", "🇱 flag, ", "🧑🏽‍💻 coder"], byteChunkSize: 5 },
  { chunks: ["日本語の", "テキスト。", "中文字符，", "한국어 텍스트"] },
  { chunks: ["e", "\u0301 combining, ", "a\u0308", "\u0323 stacked, ", "ñ vs n\u0303"], byteChunkSize: 7 },
  { chunks: ["A\ud83d", "\ude00 a surrogate pair split between chunks, ", "\ud83c", "\udf89 twice"] },
  { chunks: ["Hello", " from", " the", " soak", " upstream."], byteChunkSize: 64 },
  { chunks: ["ﷺ عربي ", "עברית ", "Ελληνικά ", "Русский ", "हिन्दी"], byteChunkSize: 64 },
  { chunks: ["x".repeat(1_500), "ż".repeat(700), "😀".repeat(300)] },
];

/** The answer a soak request asks for, by the index in its message ("soak 3"). */
export function answerFor(message: string): SoakAnswer {
  const index = Number(/soak (\d+)/.exec(message)?.[1] ?? 0);
  return SOAK_ANSWERS[index % SOAK_ANSWERS.length]!;
}

/** The abort storm's answer: 100 chunks, 40 ms apart, so every client leaves before it ends. */
export const STORM_CHUNKS = Array.from({ length: 100 }, (_, index) => `w${index}·ż😀 `);
export const STORM_CHUNK_DELAY_MS = 40;
