import { readFile } from "node:fs/promises";
import { type RequestHandler } from "express";
import { type ApiContext } from "../api-context";
import { HttpError } from "../http-error";

/** GET /api/theme: the `--theme` CSS file, read on each request so edits show on reload. */
export function themeRoute(context: ApiContext): RequestHandler {
  return async (_req, res) => {
    if (!context.themePath) throw new HttpError(404, "No theme configured");
    let css: string;
    try {
      css = await readFile(context.themePath, "utf8");
    } catch (error) {
      context.logger.error({ err: error, path: context.themePath }, "cannot read the theme file");
      throw new HttpError(404, "Theme file not found");
    }
    res.type("text/css; charset=utf-8").set("cache-control", "no-cache").send(css);
  };
}
