import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import kotlin from "highlight.js/lib/languages/kotlin";
import markdown from "highlight.js/lib/languages/markdown";
import php from "highlight.js/lib/languages/php";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import swift from "highlight.js/lib/languages/swift";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import { escapeHtml } from "../util/escape-html";

// The languages models write most; the rest render as plain, escaped text. Registering every
// language would triple the bundle.
const LANGUAGES = { bash, c, cpp, csharp, css, diff, go, java, javascript, json, kotlin, markdown, php, plaintext, python, ruby, rust, shell, sql, swift, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

// Auto-detection is the slow path; past this size a block without a language stays plain.
const AUTO_DETECT_LIMIT = 5000;
const CACHE_LIMIT = 300;
// A finished code block is highlighted once, even when the same code shows up again (a
// regenerated answer, a reopened conversation).
const cache = new Map<string, HighlightResult>();

export interface HighlightResult {
  /** Escaped HTML with hljs token spans. */
  html: string;
  /** The language used, or "" when none. */
  language: string;
}

export function highlightCode(code: string, requested: string | undefined): HighlightResult {
  const lang = languageName(requested);
  const key = `${lang}\u0000${code}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = compute(code, lang);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
  return result;
}

/**
 * Highlights a snapshot of a code block that is still streaming: it will not be asked for again,
 * so it stays out of the cache, and without a language it stays plain, because auto-detection
 * runs every grammar and would do so again for every snapshot.
 */
export function highlightSnapshot(code: string, requested: string | undefined): HighlightResult {
  const lang = languageName(requested);
  return lang ? compute(code, lang) : { html: escapeHtml(code), language: "" };
}

function languageName(requested: string | undefined): string {
  return (requested ?? "").trim().split(/\s+/)[0]!.toLowerCase();
}

function compute(code: string, lang: string): HighlightResult {
  try {
    if (lang && hljs.getLanguage(lang)) {
      return { html: hljs.highlight(code, { language: lang, ignoreIllegals: true }).value, language: lang };
    }
    if (!lang && code.length <= AUTO_DETECT_LIMIT) {
      const auto = hljs.highlightAuto(code);
      if (auto.language && auto.relevance >= 5) return { html: auto.value, language: auto.language };
    }
  } catch {
    // A grammar failing on odd input is no reason to lose the code: show it plain.
  }
  return { html: escapeHtml(code), language: lang };
}
