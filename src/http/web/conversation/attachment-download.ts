import type { Response } from 'express';
import type { StoredAttachment } from '../../../app/attachment-service.js';

/**
 * Sends a stored file as a download (docs/adr/0024): `Content-Disposition: attachment` with a safe
 * name (ASCII fallback and RFC 5987 UTF-8 form), the sniffed `Content-Type`, `nosniff`, and a
 * sandboxing CSP, so no file is ever rendered inline as a page of this origin. The requester
 * tracking page (issue 11) sends its public files through this too.
 */
export function sendAttachment(res: Response, meta: StoredAttachment, bytes: Buffer): void {
  const type = meta.contentType.startsWith('text/') ? `${meta.contentType}; charset=utf-8` : meta.contentType;
  res
    .status(200)
    .set({
      'Content-Type': type,
      'Content-Length': String(bytes.length),
      'Content-Disposition': contentDisposition(meta.name),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': 'private, no-store',
    })
    .end(bytes);
}

/** `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>`. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
