import type { Request, RequestHandler } from 'express';
import type { UiLanguage } from '../page.js';
import { UI_LANGUAGES } from './i18n.js';

/** Where `withDefaultLanguage` keeps the configured default for the request (`res.locals`). */
const DEFAULT_KEY = 'defaultLanguage';

/**
 * Middleware: remembers the installation's default language (HELPDESK_DEFAULT_LANGUAGE) for the
 * request, so the pages of anonymous visitors fall back to it rather than to English.
 */
export function withDefaultLanguage(language: string | undefined): RequestHandler {
  return (_req, res, next) => {
    if (isUiLanguage(language)) (res.locals as Record<string, unknown>)[DEFAULT_KEY] = language;
    next();
  };
}

/**
 * The UI language of an anonymous visitor: `?lang=`, else the browser's first supported one
 * (Accept-Language, in its order of preference), else `fallback` (by default the configured
 * default language of `withDefaultLanguage`), else English.
 */
export function visitorLanguage(
  req: Request,
  fallback: string | undefined = defaultLanguageOf(req),
): UiLanguage {
  const asked = req.query.lang;
  if (typeof asked === 'string' && isUiLanguage(asked)) return asked;
  const accepted = acceptedLanguage(req);
  if (accepted) return accepted;
  return isUiLanguage(fallback) ? fallback : 'en';
}

/**
 * The first of es/it/en the browser accepts (`Accept-Language`, at most 20 tags, `it-IT` counts
 * as `it`), or undefined; `*` (a client without preference) stops the search.
 */
function acceptedLanguage(req: Request): UiLanguage | undefined {
  if (!req.get('accept-language')) return undefined;
  for (const tag of req.acceptsLanguages().slice(0, 20)) {
    if (tag === '*') return undefined;
    const base = tag.slice(0, 2).toLowerCase();
    if (isUiLanguage(base)) return base;
  }
  return undefined;
}

/** The configured default language `withDefaultLanguage` recorded for this request, if any. */
function defaultLanguageOf(req: Request): string | undefined {
  const value = (req.res?.locals as Record<string, unknown> | undefined)?.[DEFAULT_KEY];
  return typeof value === 'string' ? value : undefined;
}

/** Narrowing check for a language code. */
export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value);
}
