import { type RequestHandler } from "express";
import multer from "multer";
import { type ApiContext } from "../api-context";
import { HttpError } from "../http-error";

/** POST /api/upload: one multipart `file` field, size-limited, handed to the app's `uploadHandler`. */
export function uploadRoute(context: ApiContext): RequestHandler[] {
  const refuseWithoutHandler: RequestHandler = (_req, _res, next) => {
    next(context.chat.uploadHandler ? undefined : new HttpError(400, "File upload not supported"));
  };
  const parseMultipart = multer({ storage: multer.memoryStorage(), limits: { fileSize: context.uploadLimitBytes, files: 1, fields: 10, parts: 20 } }).single("file");
  // Whatever the multipart parser rejects is the client's input: limits are 413/400, anything else 400.
  const receive: RequestHandler = (req, res, next) => {
    parseMultipart(req, res, (error?: unknown) => {
      if (!error) return next();
      const code = (error as { code?: string }).code;
      if (code === "LIMIT_FILE_SIZE") return next(new HttpError(413, `Upload rejected: the file is larger than ${context.uploadLimitBytes} bytes`));
      next(new HttpError(400, `${code?.startsWith("LIMIT_") ? "Upload rejected" : "Malformed multipart body"}: ${(error as Error).message}`));
    });
  };
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
