import { type RequestHandler } from "express";
import multer from "multer";
import { type ApiContext } from "../api-context";
import { HttpError } from "../http-error";

/** POST /api/upload: one multipart `file` field, size-limited, handed to the app's `uploadHandler`. */
export function uploadRoute(context: ApiContext): RequestHandler[] {
  const refuseWithoutHandler: RequestHandler = (_req, _res, next) => {
    next(context.chat.uploadHandler ? undefined : new HttpError(400, "File upload not supported"));
  };
  const receive = multer({ storage: multer.memoryStorage(), limits: { fileSize: context.uploadLimitBytes, files: 1, fields: 10, parts: 20 } }).single("file");
  const requireMultipart: RequestHandler = (req, _res, next) => {
    next(req.is("multipart/form-data") ? undefined : new HttpError(415, "Content-Type must be multipart/form-data with a `file` field"));
  };
  const handle: RequestHandler = async (req, res) => {
    const file = req.file;
    if (!file) throw new HttpError(422, undefined, {}, { detail: [{ type: "missing", loc: ["body", "file"], msg: "Field required", input: null }], body: null });
    await context.chat.uploadHandler!({ filename: file.originalname, mimeType: file.mimetype, size: file.size, data: file.buffer });
    res.json({ status: "success", filename: file.originalname });
  };
  return [refuseWithoutHandler, requireMultipart, receive, handle];
}
