import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { AppError } from '../../domain/errors.js';
import type { MessageRenderer, RenderedMessage } from '../../app/notification-ports.js';
import { formatDates } from './format-dates.js';

/** Where templates live and how dates are shown. */
export interface TemplateRendererOptions {
  /** Folder with `<template>.<lang>.hbs` files (e.g. `templates/messages`). */
  readonly dir: string;
  /** Time zone of dates in messages (IANA name, default `UTC`). */
  readonly timeZone?: string;
  /** Language tried last (default `en`). */
  readonly defaultLanguage?: string;
}

type Compiled = { readonly subject: HandlebarsTemplateDelegate; readonly body: HandlebarsTemplateDelegate };

/** A template id, the first part of its file names `<id>.<lang>.hbs`. */
export const TEMPLATE_ID = /^[a-z0-9][a-z0-9-]{0,80}$/;
/** A template language, the second part of its file names. */
export const TEMPLATE_LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
const COMPILE: CompileOptions = { noEscape: true, strict: false, knownHelpersOnly: true };
const RUNTIME: RuntimeOptions = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

/**
 * Plain-text messages from Handlebars files: first line `Subject: …`, a blank line, the body.
 * Tries the message language, then the fallback (procedure) language, then `en`. Files are
 * compiled once and cached (a missing file too: templates ship with the app).
 * Its own Handlebars instance: no helpers beyond the built-ins, no prototype access, no escaping
 * (plain text; an HTML body would need escaping back on).
 */
export class HandlebarsMessageRenderer implements MessageRenderer {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, Promise<Compiled | undefined>>();

  constructor(private readonly options: TemplateRendererOptions) {}

  async render(
    template: string,
    language: string,
    variables: Record<string, unknown>,
    fallbackLanguage?: string,
  ): Promise<RenderedMessage> {
    const languages = [language, fallbackLanguage, this.options.defaultLanguage ?? 'en'].filter(
      (lang): lang is string => typeof lang === 'string' && TEMPLATE_LANGUAGE.test(lang),
    );
    if (TEMPLATE_ID.test(template)) {
      for (const lang of new Set(languages)) {
        const compiled = await this.load(template, lang);
        if (compiled) return this.apply(compiled, template, lang, variables);
      }
    }
    throw new AppError('TEMPLATE_NOT_FOUND', `template <${template}> not found for language <${language}>`, [
      {
        path: template,
        reason: 'template',
        message: `tried languages ${[...new Set(languages)].join(', ')}`,
      },
    ]);
  }

  private apply(
    compiled: Compiled,
    template: string,
    lang: string,
    variables: Record<string, unknown>,
  ): RenderedMessage {
    const data = formatDates(variables, lang, this.options.timeZone ?? 'UTC');
    try {
      const subject = compiled.subject(data, RUNTIME).replace(/\s+/g, ' ').trim();
      const text =
        compiled
          .body(data, RUNTIME)
          .replace(/\n{3,}/g, '\n\n')
          .trimEnd() + '\n';
      return { subject, text, language: lang };
    } catch (error) {
      throw invalid(template, lang, (error as Error).message);
    }
  }

  private load(template: string, lang: string): Promise<Compiled | undefined> {
    const file = path.join(this.options.dir, `${template}.${lang}.hbs`);
    let entry = this.cache.get(file);
    if (!entry) {
      entry = this.compileFile(file, template, lang);
      this.cache.set(file, entry);
      // A failed read (other than "missing") is retried next time rather than cached.
      entry.catch(() => this.cache.delete(file));
    }
    return entry;
  }

  private async compileFile(file: string, template: string, lang: string): Promise<Compiled | undefined> {
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const [first = '', ...rest] = source.replace(/^\uFEFF/, '').split(/\r?\n/);
    const subject = /^Subject:(.*)$/i.exec(first);
    if (!subject) throw invalid(template, lang, 'the first line must be "Subject: …"');
    const body = rest.join('\n').replace(/^\s*\n/, '');
    try {
      return { subject: this.compile(subject[1] ?? ''), body: this.compile(body) };
    } catch (error) {
      throw invalid(template, lang, (error as Error).message);
    }
  }

  /** Parses now (syntax errors surface at load) and compiles with the plain-text options. */
  private compile(source: string): HandlebarsTemplateDelegate {
    const compiled = this.hbs.compile(this.hbs.parse(source), COMPILE);
    compiled({}, RUNTIME); // forces compilation, so unknown helpers fail here too
    return compiled;
  }
}

function invalid(template: string, lang: string, problem: string): AppError {
  return new AppError(
    'NOTIFICATION_FAILED',
    `template <${template}> for language <${lang}> is invalid: ${problem}`,
    [{ path: `${template}.${lang}`, reason: 'template', message: problem }],
  );
}
