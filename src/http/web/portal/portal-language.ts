import type { Request } from 'express';
import { UI_LANGUAGES } from '../core/i18n.js';
import { isUiLanguage, visitorLanguage } from '../core/language.js';
import type { UiLanguage } from '../page.js';

/**
 * The requester's language on the portal: the `?lang=` switch, else the first of es/it/en the
 * browser accepts (`Accept-Language`), else `fallback` (the procedure's language) when it is one
 * of them, else Spanish.
 */
export function portalLanguage(req: Request, fallback?: string): UiLanguage {
  const base = fallback?.slice(0, 2).toLowerCase();
  return visitorLanguage(req, isUiLanguage(base) ? base : 'es');
}

/** Links of the language switch: the same path with each other language. */
export function languageLinks(path: string, current: UiLanguage) {
  return UI_LANGUAGES.map((code) => ({
    code,
    href: `${path}?lang=${code}`,
    current: code === current,
  }));
}
