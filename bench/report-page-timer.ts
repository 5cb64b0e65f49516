/**
 * Times the supervisor report page as served (docs/adr/0027): the real route, view model and
 * Handlebars templates on a local Express server, with a fixed supervisor in place of the session
 * layer (login, CSRF and security headers are not what this bench measures).
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { pino } from 'pino';
import type { ReportsService } from '../src/app/reports-service.js';
import { Translations } from '../src/http/web/core/i18n.js';
import { Renderer } from '../src/http/web/core/render.js';
import { setWebUser, type WebUser } from '../src/http/web/page.js';
import { reportPages } from '../src/http/web/reports/reports-pages.js';
import type { WebPageDeps } from '../src/http/web/web-deps.js';

const SOFIA: WebUser = {
  id: 'sofia',
  roles: ['supervisor'],
  groups: [],
  displayName: 'Sofia',
  language: 'en',
};

/** Serves the report pages of `reports`, GETs `url` twice and logs how long each answer took. */
export async function timePage(
  label: string,
  reports: ReportsService,
  url: string,
  log: (message: string) => void,
): Promise<void> {
  const templates = path.resolve('templates');
  const translations = new Translations(path.join(templates, 'i18n'), pino({ level: 'silent' }));
  const clock = { now: () => new Date() };
  const renderer = new Renderer({
    pagesDir: path.join(templates, 'pages'),
    partialsDir: path.join(templates, 'partials'),
    translations,
    clock,
    timeZone: reports.timeZone,
  });
  const app = express();
  app.use((req, res, next) => {
    setWebUser(req, SOFIA);
    res.locals.webUser = SOFIA;
    next();
  });
  const kit = {
    renderPage: renderer.renderPage,
    requirePageRole: () => (_req: unknown, _res: unknown, next: () => void) => next(),
  };
  app.use(reportPages(reports, { clock } as unknown as WebPageDeps, kit as never, translations));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    // The first view also compiles the templates (once per process); the second is a later view.
    for (const view of ['first view after start', 'next view']) {
      const started = performance.now();
      const answer = await fetch(`http://127.0.0.1:${port}${url}`);
      const html = await answer.text();
      const ms = performance.now() - started;
      if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}: ${html.slice(0, 300)}`);
      log(`${label}, ${view}: ${ms.toFixed(0)} ms (${Math.round(html.length / 1024)} KB of HTML)`);
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
