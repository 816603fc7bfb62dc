/** The authenticated user, as GET /api/user and the login answer carry it (when auth is configured). */
export interface User {
  user_id: string;
  username: string;
  email: string | null;
  full_name: string | null;
  roles: string[];
  metadata: Record<string, unknown>;
}
