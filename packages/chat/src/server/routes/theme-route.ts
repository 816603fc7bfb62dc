import { readFile } from "node:fs/promises";
import { type RouteInput } from "../api-context";
import { type BodyResponse } from "../http/api-response";
import { HttpError } from "../http/http-error";

/** GET /api/theme: the `--theme` CSS file, read on each request so edits show on reload. */
export async function themeRoute({ context }: RouteInput): Promise<BodyResponse> {
  if (!context.themePath) throw new HttpError(404, "No theme configured");
  let css: string;
  try {
    css = await readFile(context.themePath, "utf8");
  } catch (error) {
    context.logger.error({ err: error, path: context.themePath }, "cannot read the theme file");
    throw new HttpError(404, "Theme file not found");
  }
  return { status: 200, headers: { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" }, body: css };
}
