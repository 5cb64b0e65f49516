import type { HelperOptions } from 'handlebars';
import { formFilesOf } from '../agent/form-file-fields.js';
import type HandlebarsNs from 'handlebars';
import type { Clock } from '../../../domain/clock.js';
import type { UiLanguage } from '../page.js';
import type { Translations } from './i18n.js';

type Handlebars = typeof HandlebarsNs;

/** What the helpers need: strings, the clock (for `timeLeft`) and the display time zone. */
export interface HelperDeps {
  readonly translations: Translations;
  readonly clock: Clock;
  readonly timeZone: string;
}

const LOCALES: Record<UiLanguage, string> = { es: 'es-ES', it: 'it-IT', en: 'en-GB' };

/** The language of the page being rendered (`lang` in the root data, set by `renderPage`). */
function languageOf(options: HelperOptions): UiLanguage {
  const root = (options.data as { root?: { lang?: UiLanguage } } | undefined)?.root;
  return root?.lang ?? 'en';
}

/**
 * Registers the helpers every page may use: `t`, `formatDate`, `formatDuration`,
 * `timeLeft`, `eq`, `includes`, `concat`, `jsonScript`, `tOr`, `tSection`.
 */
export function registerHelpers(hbs: Handlebars, deps: HelperDeps): void {
  const { translations, clock, timeZone } = deps;

  hbs.registerHelper('t', (key: unknown, options: HelperOptions) =>
    translations.t(languageOf(options), String(key), options.hash as Record<string, unknown>),
  );

  // `tOr key fallbackKey`: the key's text when the language has it, else the fallback's ('' for none).
  hbs.registerHelper('tOr', (key: unknown, fallback: unknown, options: HelperOptions) => {
    const language = languageOf(options);
    const vars = options.hash as Record<string, unknown>;
    if (translations.has(language, String(key))) return translations.t(language, String(key), vars);
    return typeof fallback === 'string' && fallback !== '' ? translations.t(language, fallback, vars) : '';
  });

  // `tSection key`: every string under a key, as JSON for a `<script type="application/json">` block.
  hbs.registerHelper(
    'tSection',
    (key: unknown, options: HelperOptions) =>
      new hbs.SafeString(jsonForScript(translations.section(languageOf(options), String(key)))),
  );

  hbs.registerHelper('formatDate', (value: unknown, ...rest: unknown[]) => {
    const options = rest[rest.length - 1] as HelperOptions;
    const date = toDate(value);
    if (!date) return '';
    const style = rest.length > 1 ? String(rest[0]) : 'datetime';
    return formatDate(date, languageOf(options), timeZone, style);
  });

  hbs.registerHelper('formatDuration', (ms: unknown) => (typeof ms === 'number' ? formatDuration(ms) : ''));

  hbs.registerHelper('timeLeft', (value: unknown, options: HelperOptions) => {
    const date = toDate(value);
    if (!date) return { text: '', overdue: false };
    const left = date.getTime() - clock.now().getTime();
    const duration = formatDuration(Math.abs(left));
    const key = left < 0 ? 'common.time.overdueBy' : 'common.time.left';
    return { text: translations.t(languageOf(options), key, { duration }), overdue: left < 0 };
  });

  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // `formFiles variables`: the files a ticket's form data references, as download links (ADR 0032).
  hbs.registerHelper('formFiles', (variables: unknown) => formFilesOf(variables));

  hbs.registerHelper(
    'includes',
    (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value),
  );

  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));

  hbs.registerHelper('jsonScript', (value: unknown) => new hbs.SafeString(jsonForScript(value)));
}

/** A date in the user's language and the configured zone; style `date`, `time` or `datetime`. */
export function formatDate(date: Date, language: UiLanguage, timeZone: string, style = 'datetime'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'date'
      ? { dateStyle: 'medium', timeZone }
      : style === 'time'
        ? { timeStyle: 'short', timeZone }
        : { dateStyle: 'medium', timeStyle: 'short', timeZone };
  return new Intl.DateTimeFormat(LOCALES[language], options).format(date);
}

/** Milliseconds as `2 d 3 h`, `2 h 05 min` or `7 min` (rounded down to the minute). */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${sign}${days} d ${hours} h`;
  if (hours > 0) return `${sign}${hours} h ${String(mins).padStart(2, '0')} min`;
  return `${sign}${mins} min`;
}

/** JSON safe inside `<script type="application/json">`: no `<`, `>`, `&` or line separators. */
export function jsonForScript(value: unknown): string {
  return (JSON.stringify(value ?? null) ?? 'null')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}
