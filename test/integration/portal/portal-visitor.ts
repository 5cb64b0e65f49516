import type { ReceivedMail } from '../../support/smtp-sink.js';

/** One answer of the portal (redirects are not followed). */
export interface PortalAnswer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

const CSRF_FIELD = /name="_csrf" value="([^"]+)"/;

/**
 * An anonymous browser-like visitor of the portal: its own cookie jar, client address (sent as
 * `X-Forwarded-For`; the test app trusts loopback proxies) and `Accept-Language` (none when empty).
 */
export class PortalVisitor {
  private readonly jar = new Map<string, string>();
  private token: string | undefined;

  constructor(
    private readonly baseUrl: string,
    readonly address: string,
    private readonly language = '',
  ) {}

  get(path: string): Promise<PortalAnswer> {
    return this.send('GET', path);
  }

  /** Posts a form with the `_csrf` of the last page seen (unless `_csrf` is given). */
  post(path: string, form: Record<string, string>): Promise<PortalAnswer> {
    const body = new URLSearchParams(form);
    if (!('_csrf' in form) && this.token) body.append('_csrf', this.token);
    return this.send('POST', path, body);
  }

  /**
   * Posts `multipart/form-data` as a browser does for a form with a file field: `_csrf` first (the
   * last page's, unless given), then the fields, then the files.
   */
  postMultipart(
    path: string,
    form: Record<string, string>,
    files: readonly { field: string; name: string; bytes: Buffer }[],
  ): Promise<PortalAnswer> {
    const body = new FormData();
    if (!('_csrf' in form) && this.token) body.append('_csrf', this.token);
    for (const [name, value] of Object.entries(form)) body.append(name, value);
    for (const file of files) body.append(file.field, new Blob([file.bytes]), file.name);
    return this.send('POST', path, body);
  }

  private async send(
    method: string,
    path: string,
    body?: URLSearchParams | FormData | string,
  ): Promise<PortalAnswer> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.address };
    if (this.language) headers['accept-language'] = this.language;
    if (typeof body === 'string') headers['content-type'] = 'application/x-www-form-urlencoded';
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie) headers.cookie = cookie;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(body !== undefined ? { body } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const text = await response.text();
    const token = CSRF_FIELD.exec(text)?.[1];
    if (token) this.token = token;
    return { status: response.status, text, headers: response.headers };
  }

  /** Posts a raw body (e.g. an oversized one). */
  postRaw(path: string, body: string): Promise<PortalAnswer> {
    return this.send('POST', path, body);
  }
}

/** The confirmation path (`/portal/confirm/<token>`) in a mail. */
export function confirmPathIn(mail: ReceivedMail): string {
  const match = /\/portal\/confirm\/[A-Za-z0-9_-]{43}/.exec(mail.body);
  if (!match) throw new Error(`no confirmation link in mail "${mail.subject}"`);
  return match[0];
}

/** A valid cita-report portal form for `email`. */
export function citaForm(email: string): Record<string, string> {
  return {
    requesterName: 'Laura Méndez',
    medicalUnit: 'Clínica Hospital Mérida',
    phone: '+52 999 123 4567',
    consultationDate: '2026-12-03',
    timeSlot: '08:00-14:00',
    clinic: 'Medicina familiar',
    description: 'Reporte de agenda de citas del turno matutino',
    requesterEmail: email,
  };
}
