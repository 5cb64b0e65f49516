import type { Request } from 'express';
import type { UiLanguage } from '../page.js';
import { UI_LANGUAGES } from './i18n.js';

/** The UI language of an anonymous visitor: `?lang=`, else the browser's first supported one, else English. */
export function visitorLanguage(req: Request): UiLanguage {
  const asked = req.query.lang;
  if (typeof asked === 'string' && isUiLanguage(asked)) return asked;
  const accepted = req.acceptsLanguages(...UI_LANGUAGES);
  return typeof accepted === 'string' && isUiLanguage(accepted) ? accepted : 'en';
}

/** Narrowing check for a language code. */
export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value);
}
