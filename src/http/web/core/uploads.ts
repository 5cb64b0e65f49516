import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';
import { AppError, isAppError, type FieldIssue } from '../../../domain/errors.js';
import { sameToken } from './csrf.js';

/** One file of a multipart form, held in memory (bounded by the limits). */
export interface UploadedFile {
  /** The form field it came in. */
  readonly field: string;
  /** The name the browser sent (not trusted: the attachment service makes it safe). */
  readonly fileName: string;
  readonly bytes: Buffer;
}

/** Limits of one multipart request. */
export interface UploadLimits {
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  /** Non-file fields (default 50). */
  readonly maxFields?: number;
  /** Bytes of one non-file field (default 128 KiB: a 10,000-character message in any script). */
  readonly maxFieldBytes?: number;
  /** A repeated field keeps its `last` value (default) or all as a `list`, as urlencoded forms do (checklists). */
  readonly repeatedFields?: 'last' | 'list';
}

/** Where the CSRF token of the session is (the web core's `sessionCsrfOf`). */
export type ExpectedCsrf = (req: Request) => string | undefined;

const FILES = Symbol.for('helpdesk.uploadedFiles');
const CSRF_FIELD = '_csrf';

/** The files `multipartForm` parsed (none for other requests). */
export function uploadedFiles(req: Request): readonly UploadedFile[] {
  return (req as unknown as Record<symbol, UploadedFile[] | undefined>)[FILES] ?? [];
}

const REFUSED = Symbol.for('helpdesk.uploadRefused');

/**
 * {@link multipartForm} for a form that is shown again when its upload is refused: a verified
 * post hands its token on as `_csrf` (so a later CSRF check passes and routes read fields as
 * usual); a refused upload (a file too large, too many: VALIDATION_FAILED) is kept for the route,
 * read with {@link uploadsOf}, with a body holding only the token, so the route renders the form
 * again (422) and changes nothing. Other errors (a forged post) go on to the error handler.
 */
export function multipartKeepingRefusal(limits: UploadLimits, expectedCsrf: ExpectedCsrf): RequestHandler {
  const parse = multipartForm(limits, expectedCsrf);
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      if (error === undefined) {
        (req.body as Record<string, unknown>)[CSRF_FIELD] = expectedCsrf(req);
        return next();
      }
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') return next(error);
      (req as unknown as Record<symbol, AppError>)[REFUSED] = error;
      req.body = { [CSRF_FIELD]: expectedCsrf(req) };
      next();
    });
}

/** The files a post parsed by {@link multipartKeepingRefusal} carried, or the refusal of its upload. */
export function uploadsOf(req: Request): { files: readonly UploadedFile[]; refused?: AppError } {
  const refused = (req as unknown as Record<symbol, AppError | undefined>)[REFUSED];
  return refused ? { files: [], refused } : { files: uploadedFiles(req) };
}

/**
 * Parses a `multipart/form-data` POST with busboy: fields into `req.body` (strings; a repeated
 * field keeps its last value), files into `uploadedFiles(req)`. CSRF is verified here, since the
 * token is inside the body: the `x-csrf-token` header, or the `_csrf` field, which must come
 * before any file (forms put it first), so no file byte is kept for a forged request.
 * Limits refuse with VALIDATION_FAILED (422) naming the field or the file; a request that is not
 * multipart is a BAD_REQUEST.
 */
export function multipartForm(limits: UploadLimits, expectedCsrf: ExpectedCsrf): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('multipart/form-data')) {
      next(new AppError('BAD_REQUEST', 'this form must be sent as multipart/form-data'));
      return;
    }
    parse(req, limits, expectedCsrf).then(
      ({ fields, files }) => {
        req.body = fields;
        (req as unknown as Record<symbol, UploadedFile[]>)[FILES] = files;
        next();
      },
      (error: unknown) => {
        req.unpipe();
        req.resume(); // drain what the client still sends; the error page follows
        next(error);
      },
    );
  };
}

function parse(
  req: Request,
  limits: UploadLimits,
  expectedCsrf: ExpectedCsrf,
): Promise<{ fields: Record<string, string | string[]>; files: UploadedFile[] }> {
  const expected = expectedCsrf(req);
  let trusted = sameToken(req.get('x-csrf-token'), expected);
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string>;
  const files: UploadedFile[] = [];
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: {
          fileSize: limits.maxFileBytes,
          files: limits.maxFiles,
          fields: limits.maxFields ?? 50,
          fieldSize: limits.maxFieldBytes ?? 128 * 1024,
          fieldNameSize: 100,
          parts: limits.maxFiles + (limits.maxFields ?? 50),
        },
      });
    } catch {
      fail(new AppError('BAD_REQUEST', 'the multipart form is malformed (no boundary)'));
      return;
    }
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(invalid(name, 'too-long', `field <${name}> is too long`));
      if (name === CSRF_FIELD && !trusted) trusted = sameToken(value, expected);
      if (name === CSRF_FIELD) return;
      const before = fields[name];
      if (limits.repeatedFields !== 'list' || before === undefined) fields[name] = value;
      else fields[name] = [...[before].flat(), value];
    });
    parser.on('file', (field, stream, info) => {
      const fileName = info.filename ?? '';
      if (!trusted) {
        stream.resume();
        fail(new AppError('CSRF_INVALID', `request POST ${req.path} has a missing or wrong CSRF token`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        const mb = (limits.maxFileBytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');
        fail(invalid(field, 'too-large', `file <${fileName}> is larger than ${mb} MB`));
      });
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        // A file input left empty still sends a part without name and content.
        if (fileName !== '' || bytes.length > 0) files.push({ field, fileName, bytes });
      });
    });
    parser.on('filesLimit', () =>
      fail(invalid('files', 'too-many', `at most ${limits.maxFiles} files per submission`)),
    );
    parser.on('fieldsLimit', () => fail(invalid('form', 'too-many', 'the form has too many fields')));
    parser.on('partsLimit', () => fail(invalid('form', 'too-many', 'the form has too many parts')));
    parser.on('error', () => fail(new AppError('BAD_REQUEST', 'the multipart form is malformed')));
    parser.on('close', () => {
      if (failed) return;
      if (!trusted)
        return fail(
          new AppError('CSRF_INVALID', `request POST ${req.path} has a missing or wrong CSRF token`),
        );
      resolve({ fields: { ...fields }, files });
    });
    req.pipe(parser);
  });
}

function invalid(path: string, reason: string, message: string): AppError {
  const issue: FieldIssue = { path, reason, message };
  return new AppError('VALIDATION_FAILED', message, [issue]);
}
