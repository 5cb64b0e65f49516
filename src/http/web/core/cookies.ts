import type { CookieOptions, Request } from 'express';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'hd_session';
/** Name of the pre-session CSRF cookie of the login form (double submit). */
export const LOGIN_CSRF_COOKIE = 'hd_login_csrf';

/** The cookies of a request (no cookie-parser needed for two cookies). */
export function readCookies(req: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed value is ignored rather than failing the request.
    }
  }
  return cookies;
}

/** Options of the app's cookies: HttpOnly, SameSite=Lax, Secure when configured. */
export function cookieOptions(secure: boolean, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  };
}
