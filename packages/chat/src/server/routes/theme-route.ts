import { type RouteInput } from "../api-context";
import { type BodyResponse } from "../http/api-response";
import { HttpError } from "../http/http-error";
import { ThemeFileError, readThemeCss } from "../theme-file";

/**
 * GET /api/theme: the `--theme` file as CSS — a stylesheet as written, a HeroUI JSON theme converted
 * (as Python Ragbits does). Read on each request, so edits show on reload.
 */
export async function themeRoute({ context }: RouteInput): Promise<BodyResponse> {
  if (!context.themePath) throw new HttpError(404, "No theme configured");
  let css: string;
  try {
    css = await readThemeCss(context.themePath);
  } catch (error) {
    if (ThemeFileError.isInstance(error)) {
      // Edited into something unusable while the server runs: the log says what; the UI keeps its defaults.
      context.logger.error({ path: context.themePath }, error.message);
      throw new HttpError(500, "The theme file cannot be used (the server log says why)");
    }
    context.logger.error({ err: error, path: context.themePath }, "cannot read the theme file");
    throw new HttpError(404, "Theme file not found");
  }
  return { status: 200, headers: { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" }, body: css };
}
