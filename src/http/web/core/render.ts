import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import HandlebarsNs from 'handlebars';
import type { Response } from 'express';
import type { Clock } from '../../../domain/clock.js';
import type { PageChrome, RenderPage, UiLanguage, WebUser } from '../page.js';
import { registerHelpers } from './handlebars-helpers.js';
import { UI_LANGUAGES, type Translations } from './i18n.js';
import { navFor } from './navigation.js';

type Template = HandlebarsNs.TemplateDelegate;

/** Where templates live and what the helpers need. */
export interface RendererOptions {
  readonly pagesDir: string;
  readonly partialsDir: string;
  readonly translations: Translations;
  readonly clock: Clock;
  readonly timeZone: string;
}

/** Per-request data the session and CSRF middleware leave in `res.locals`. */
export interface PageLocals {
  webUser?: WebUser;
  csrfToken?: string;
  /** Language of anonymous pages (login, errors before login). */
  lang?: UiLanguage;
}

/**
 * Renders pages into `templates/pages/layout.hbs` with one Handlebars instance.
 * Partials are registered by file name at startup; pages are compiled on first use.
 */
export class Renderer {
  private readonly hbs = HandlebarsNs.create();
  private readonly cache = new Map<string, Template>();

  constructor(private readonly options: RendererOptions) {
    registerHelpers(this.hbs, options);
    for (const file of listHbs(options.partialsDir)) {
      const source = readFileSync(path.join(options.partialsDir, file), 'utf8');
      this.hbs.registerPartial(file.replace(/\.hbs$/, ''), source);
    }
  }

  /** The `renderPage` of the page kit. */
  readonly renderPage: RenderPage = (res, view, chrome, data = {}, status = 200) => {
    res
      .status(status)
      .type('html')
      .send(this.html(res, view, chrome, data));
  };

  /** The page as HTML: the view's output inside the layout. */
  html(res: Response, view: string, chrome: PageChrome, data: Record<string, unknown> = {}): string {
    const locals = res.locals as PageLocals;
    const user = locals.webUser;
    const lang = user?.language ?? locals.lang ?? 'en';
    const { translations } = this.options;
    const title = translations.has(lang, chrome.title) ? translations.t(lang, chrome.title) : chrome.title;
    const root = {
      ...data,
      csrfToken: locals.csrfToken ?? '',
      lang,
      currentUser: user,
      currentPath: res.req.method === 'GET' ? res.req.originalUrl : '',
      chrome: { ...chrome, title },
      menu: user ? navFor(user, chrome.nav) : [],
      languages: UI_LANGUAGES.map((code) => ({ code, current: code === lang })),
    };
    const body = this.template(view)(root);
    return this.template('layout')({ ...root, body });
  }

  private template(view: string): Template {
    let template = this.cache.get(view);
    if (!template) {
      if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*$/i.test(view)) throw new Error(`bad view name <${view}>`);
      const source = readFileSync(path.join(this.options.pagesDir, `${view}.hbs`), 'utf8');
      template = this.hbs.compile(source, { strict: false });
      this.cache.set(view, template);
    }
    return template;
  }
}

function listHbs(dir: string): string[] {
  try {
    return readdirSync(dir).filter((file) => file.endsWith('.hbs'));
  } catch {
    return [];
  }
}
