import { z } from "zod";

/** The body of POST /api/auth/login (only served when authentication is configured). */
export const LoginRequestSchema = z.object({
  username: z.string().min(1).max(256),
  password: z.string().max(1024),
});

export type LoginRequest = z.input<typeof LoginRequestSchema>;
