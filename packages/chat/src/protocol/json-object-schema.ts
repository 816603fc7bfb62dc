import { z } from "zod";

/** A JSON object with any keys: state, user settings, `extra`, feedback payloads. */
export const JsonObjectSchema = z.record(z.string(), z.unknown());
