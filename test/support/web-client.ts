import type { TestApp } from './harness.js';
import { webPassword } from './web-accounts.js';

/** One answer of the web app (redirects are not followed). */
export interface WebResponse {
  readonly status: number;
  readonly text: string;
  readonly location?: string;
}

/** A browser-like HTTP client with a cookie jar. */
export interface WebClient {
  get(path: string): Promise<WebResponse>;
  /** Posts a form; adds `_csrf` from the last page seen (or a fresh GET) unless `csrf: false` or given. */
  post(
    path: string,
    form: Record<string, string | string[]>,
    options?: { csrf?: boolean },
  ): Promise<WebResponse>;
  /** The CSRF token of the current session (or login form). */
  csrfToken(): Promise<string>;
  /** The cookie header the client sends (for raw requests in tests). */
  cookieHeader(): string;
}

const CSRF_FIELD = /name="_csrf" value="([^"]+)"/;

class CookieClient implements WebClient {
  private readonly jar = new Map<string, string>();
  private lastToken: string | undefined;

  constructor(private readonly baseUrl: string) {}

  get(path: string): Promise<WebResponse> {
    return this.send('GET', path);
  }

  async post(path: string, form: Record<string, string | string[]>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form))
      for (const one of Array.isArray(value) ? value : [value]) body.append(key, one);
    if (options.csrf !== false && !('_csrf' in form)) body.append('_csrf', await this.csrfToken());
    return this.send('POST', path, body);
  }

  async csrfToken(): Promise<string> {
    if (this.lastToken) return this.lastToken;
    const page = await this.get(this.jar.has('hd_session') ? '/account' : '/login');
    if (!this.lastToken) throw new Error(`no CSRF token on the page (status ${page.status})`);
    return this.lastToken;
  }

  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Forgets the page token (the session changed, e.g. after login). */
  forgetToken(): void {
    this.lastToken = undefined;
  }

  private async send(method: string, path: string, body?: URLSearchParams): Promise<WebResponse> {
    const headers: Record<string, string> = { 'accept-language': 'es' };
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(body ? { body } : {}),
    });
    this.keepCookies(response.headers.getSetCookie());
    const text = await response.text();
    const token = CSRF_FIELD.exec(text)?.[1];
    if (token) this.lastToken = token;
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, text, ...(location ? { location } : {}) };
  }

  private keepCookies(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return new Date(val).getTime() <= Date.now();
        return false;
      });
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}

/** An anonymous client of the app (not logged in). */
export function webClient(app: TestApp): WebClient & { forgetToken(): void } {
  return new CookieClient(app.app.url);
}

/** Logs a seeded user in through the login form; fails loudly when the login does not succeed. */
export async function webLogin(app: TestApp, username: string): Promise<WebClient> {
  const client = new CookieClient(app.app.url);
  await client.get('/login');
  const answer = await client.post('/login', { username, password: webPassword(username) });
  if (answer.status !== 303)
    throw new Error(`login of <${username}> failed with ${answer.status}: ${answer.text.slice(0, 300)}`);
  client.forgetToken();
  return client;
}
