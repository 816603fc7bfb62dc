/**
 * A route path with parameters, `/api/conversations/:id`: literal segments match case-insensitively
 * (as the exact routes do), a `:name` segment matches one non-empty segment and is handed to the
 * route percent-decoded. A segment that does not decode (`%E0%A4%A`) matches nothing: the request is
 * a 404 like any unknown path, never a 500.
 */
export class RoutePattern {
  private readonly segments: ReadonlyArray<{ literal: string } | { param: string }>;

  constructor(readonly path: string) {
    this.segments = path
      .split("/")
      .slice(1)
      .map((segment) => (segment.startsWith(":") ? { param: segment.slice(1) } : { literal: segment.toLowerCase() }));
  }

  /** Whether a route path has parameters (and so needs a pattern rather than an exact lookup). */
  static hasParams(path: string): boolean {
    return path.includes("/:");
  }

  /** The parameters when `path` (raw, not decoded, without a trailing slash) matches; undefined otherwise. */
  match(path: string): Record<string, string> | undefined {
    const parts = path.split("/").slice(1);
    if (parts.length !== this.segments.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const segment = this.segments[i]!;
      const part = parts[i]!;
      if ("literal" in segment) {
        if (part.toLowerCase() !== segment.literal) return undefined;
        continue;
      }
      if (part === "") return undefined;
      try {
        params[segment.param] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    }
    return params;
  }
}
