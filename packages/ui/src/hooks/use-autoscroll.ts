import { type RefObject } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

// Within this many pixels of the end counts as "at the bottom" (sub-pixel rounding, small nudges).
const BOTTOM_SLACK_PX = 48;

export interface Autoscroll {
  atBottom: boolean;
  scrollToBottom: (smooth?: boolean) => void;
}

/**
 * Follows new content only while the user is at the bottom of `scrollRef`; once they scroll up to
 * read, growth no longer moves the view and `atBottom` turns false (the jump button shows).
 */
export function useAutoscroll(scrollRef: RefObject<HTMLElement | null>, contentRef: RefObject<HTMLElement | null>): Autoscroll {
  const following = useRef(true);
  const [atBottom, setAtBottom] = useState(true);

  const scrollToBottom = useCallback(
    (smooth = false) => {
      const el = scrollRef.current;
      if (!el) return;
      following.current = true;
      setAtBottom(true);
      el.scrollTo({ top: el.scrollHeight, behavior: smooth ? "smooth" : "auto" });
    },
    [scrollRef],
  );

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let lastTop = el.scrollTop;
    const onScroll = () => {
      const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
      const movedUp = el.scrollTop < lastTop - 2;
      lastTop = el.scrollTop;
      // Moving up is always the user's intent to read; reaching the end again resumes following.
      if (movedUp && distance > BOTTOM_SLACK_PX) following.current = false;
      else if (distance <= BOTTOM_SLACK_PX) following.current = true;
      setAtBottom(following.current);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, [scrollRef]);

  useEffect(() => {
    const el = scrollRef.current;
    const content = contentRef.current;
    if (!el || !content || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (following.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, [scrollRef, contentRef]);

  return { atBottom, scrollToBottom };
}
