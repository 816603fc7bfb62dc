/** A file the user uploaded through POST /api/upload. */
export interface UploadedFile {
  filename: string;
  mimeType: string;
  size: number;
  data: Buffer;
}

export type UploadHandler = (file: UploadedFile) => void | Promise<void>;
