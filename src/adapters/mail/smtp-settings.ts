/** SMTP settings from environment variables (names listed in docs/adr/0006-notifications.md). */

/** Where and as whom email is sent. */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS is used when the server offers it. */
  readonly secure: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  /** The From header, e.g. `Mesa de Ayuda <mesa@example.org>`. */
  readonly from: string;
}

/**
 * Reads `HELPDESK_SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…` for implicit TLS) or
 * `HELPDESK_SMTP_HOST` / `_PORT` / `_SECURE` / `_USER` / `_PASSWORD`, plus `HELPDESK_MAIL_FROM`.
 * Undefined when no server is configured (messages then stay pending); throws on malformed values.
 */
export function readSmtpSettings(env: NodeJS.ProcessEnv): SmtpSettings | undefined {
  const url = env.HELPDESK_SMTP_URL?.trim();
  const host = env.HELPDESK_SMTP_HOST?.trim();
  if (!url && !host) return undefined;
  const from = env.HELPDESK_MAIL_FROM?.trim();
  if (!from) throw new Error('HELPDESK_MAIL_FROM is required when an SMTP server is configured');
  return { ...(url ? fromUrl(url) : fromParts(env, host as string)), from };
}

function fromUrl(text: string): Omit<SmtpSettings, 'from'> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('HELPDESK_SMTP_URL must be a URL like smtp://user:pass@host:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error(`HELPDESK_SMTP_URL must use smtp: or smtps:, got "${url.protocol}"`);
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
  };
}

function fromParts(env: NodeJS.ProcessEnv, host: string): Omit<SmtpSettings, 'from'> {
  const secureText = (env.HELPDESK_SMTP_SECURE ?? 'false').trim().toLowerCase();
  if (secureText !== 'true' && secureText !== 'false')
    throw new Error(`HELPDESK_SMTP_SECURE must be true or false, got "${env.HELPDESK_SMTP_SECURE}"`);
  const secure = secureText === 'true';
  const portText = env.HELPDESK_SMTP_PORT?.trim();
  const port = portText ? Number(portText) : secure ? 465 : 587;
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`HELPDESK_SMTP_PORT must be a port number, got "${portText}"`);
  const user = env.HELPDESK_SMTP_USER?.trim();
  return { host, port, secure, ...(user ? { auth: { user, pass: env.HELPDESK_SMTP_PASSWORD ?? '' } } : {}) };
}
