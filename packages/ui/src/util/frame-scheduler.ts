/** Runs a callback once, soon: the next animation frame, so many stream events cost one render. */
export type FrameScheduler = (callback: () => void) => void;

/**
 * requestAnimationFrame while the page is visible; a short timer when it is hidden, because
 * hidden tabs get no frames and the answer should still be complete when the user looks again.
 */
export const animationFrameScheduler: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === "function" && document.visibilityState !== "hidden") {
    requestAnimationFrame(() => callback());
  } else {
    setTimeout(callback, 50);
  }
};
