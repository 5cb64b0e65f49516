import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import type { Role } from '../../domain/actor.js';
import type { AccountService } from '../../app/account-service.js';
import type { SessionService } from '../../app/session-service.js';
import { adminPages } from './admin/admin-pages.js';
import { directoryPages } from './admin/directory-pages.js';
import { requesterPages } from './requesters/requester-pages.js';
import { agentPages } from './agent/agent-pages.js';
import { formUploads } from './agent/form-uploads.js';
import { analystPages } from './analyst/analyst-pages.js';
import { dryRunRoutes } from './analyst/dry-run-routes.js';
import { expressionsRoutes } from './analyst/expressions-routes.js';
import { panelListRoutes, type ModelerLists } from './analyst/panel-lists.js';
import type { DryRunService } from '../../app/dry-run.js';
import { accountRoutes } from './core/account-routes.js';
import { verifyCsrf } from './core/csrf.js';
import { errorPages, notFoundPage } from './core/error-pages.js';
import { Translations } from './core/i18n.js';
import { loginRoutes } from './core/login-routes.js';
import { withDefaultLanguage } from './core/language.js';
import type { LoginLimit } from './core/login-rate-limit.js';
import { Renderer } from './core/render.js';
import { requirePageRole } from './core/role-guard.js';
import { requireSession, sessionCsrfOf } from './core/session-middleware.js';
import { faqRoutes } from './kb/faq-routes.js';
import { portalRoutes } from './portal/portal-routes.js';
import type { PortalIntake } from '../../app/portal-intake.js';
import { kbPages } from './kb/kb-pages.js';
import type { PageKit } from './page.js';
import { supervisorPages } from './supervisor/supervisor-pages.js';
import { migrationPages } from './migration/migration-pages.js';
import { reportPages } from './reports/reports-pages.js';
import { conversationPages, type ConversationWebDeps } from './conversation/conversation-pages.js';
import type { WebPageDeps } from './web-deps.js';
import {
  requesterPublicRoutes,
  requesterStaffRoutes,
  type RequesterWebDeps,
} from './requester/requester-pages.js';
import type { Language } from '../../domain/account.js';

/** The web core's own collaborators and settings, besides what the pages get. */
export interface WebCoreDeps extends WebPageDeps {
  readonly accounts: AccountService;
  readonly sessions: SessionService;
  /** Folder with `pages/`, `partials/` and `i18n/`. */
  readonly templatesDir: string;
  /** The UI strings, shared with scheduled reports; loaded from `templatesDir/i18n` when absent. */
  readonly translations?: Translations;
  /** Folder with `css/` and `js/`, served under /assets. */
  readonly publicDir: string;
  readonly timeZone: string;
  readonly secureCookies: boolean;
  readonly loginLimit: LoginLimit;
  /** Requester tracking, survey and lookup pages and their staff controls (issue 11); absent: none. */
  readonly requester?: RequesterWebDeps;
  /** Language new accounts get unless the admin picks another (`HELPDESK_DEFAULT_LANGUAGE`; default es). */
  readonly defaultLanguage?: Language;
  /** Ticket conversations and attachments (docs/adr/0024; absent: no such pages). */
  readonly conversation?: ConversationWebDeps;
  /** The public portal's intake (docs/adr/0026; absent: no /portal pages). */
  readonly portal?: PortalIntake;
  /** Dry runs of unsaved diagrams from the modeler (ADR 0031; absent: no /analyst/dry-runs). */
  readonly dryRuns?: DryRunService;
  /** Message templates and calendars for the modeler panel's selects (ADR 0028; absent: no such lists). */
  readonly modelerLists?: ModelerLists;
}

/** Form posts can carry a whole BPMN diagram (analyst no-JS save), hence the large limit; only after login. */
const FORM_LIMIT = '16mb';

/**
 * Areas whose whole URL space belongs to one role, guarded here as well as by their page
 * modules (defence in depth). Agent paths are left to the agent module: supervisors share some.
 */
const AREAS: readonly [string, Role][] = [
  ['/supervisor', 'supervisor'],
  ['/analyst', 'analyst'],
  ['/admin', 'admin'],
];

const BPMN_JS_DIST = path.join(
  path.dirname(createRequire(import.meta.url).resolve('bpmn-js/package.json')),
  'dist',
);

/**
 * The server-rendered web app at `/`: public assets and login, then (session
 * required) body parsing, CSRF verification, the core's account and admin pages
 * and the agent, supervisor and analyst page modules; unknown paths get the 404
 * page and errors the HTML error page.
 */
export function webRouter(deps: WebCoreDeps): Router {
  const translations =
    deps.translations ?? new Translations(path.join(deps.templatesDir, 'i18n'), deps.logger);
  const renderer = new Renderer({
    pagesDir: path.join(deps.templatesDir, 'pages'),
    partialsDir: path.join(deps.templatesDir, 'partials'),
    translations,
    clock: deps.clock,
    timeZone: deps.timeZone,
  });
  const kit: PageKit = { renderPage: renderer.renderPage, requirePageRole };
  const router = Router();
  // Anonymous pages (login, errors, rate limit) fall back to the configured language (ADR 0021).
  router.use(withDefaultLanguage(deps.defaultLanguage));

  const assets = { fallthrough: false, index: false, maxAge: '1h' } as const;
  router.use('/assets/css', express.static(path.join(deps.publicDir, 'css'), assets));
  router.use('/assets/js', express.static(path.join(deps.publicDir, 'js'), assets));
  router.use('/assets/build', express.static(path.join(deps.publicDir, 'build'), assets)); // ADR 0028 bundles
  router.use('/assets/bpmn-js', express.static(BPMN_JS_DIST, assets));
  router.use('/favicon.ico', (_req, res) => void res.status(204).end());

  router.use(loginRoutes({ ...deps, renderer }));
  // Public: the FAQ pages of the procedures (no login).
  router.use(faqRoutes(deps, renderer.renderPage));
  if (deps.requester)
    router.use(
      requesterPublicRoutes(deps.requester, renderer.renderPage, (id) => deps.monitoring.activityNames(id)),
    );
  if (deps.portal) router.use(portalRoutes({ ...deps, portal: deps.portal }, renderer.renderPage));

  router.use(requireSession(deps.sessions, deps.secureCookies));
  // conversation: multipart forms verify their CSRF token while parsing (before the core check).
  if (deps.conversation) router.use(conversationPages(deps.conversation, kit));
  router.use(formUploads(deps.formFiles)); // start/task forms with files: multipart, CSRF checked while parsing
  router.use(express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 10_000 }));
  router.use(verifyCsrf(sessionCsrfOf));
  router.use(accountRoutes({ ...deps, renderPage: renderer.renderPage }));
  for (const [prefix, role] of AREAS) router.use(prefix, requirePageRole(role));
  router.use(adminPages(deps, kit));
  if (deps.directory) router.use(directoryPages(deps.directory, kit));
  if (deps.requesters) router.use(requesterPages(deps.requesters, deps, kit));
  router.use(agentPages(deps, kit));
  router.use(supervisorPages(deps, kit));
  if (deps.reports) router.use(reportPages(deps.reports, deps, kit, translations));
  router.use(analystPages(deps, kit));
  router.use('/analyst', expressionsRoutes(translations)); // modelertools: live condition checks
  if (deps.dryRuns) router.use('/analyst', dryRunRoutes(deps.dryRuns)); // modelertools: dry runs
  if (deps.modelerLists) router.use('/analyst', panelListRoutes(deps.modelerLists)); // panel selects
  if (deps.migrations) router.use(migrationPages(deps.migrations, deps, kit));
  router.use(kbPages(deps, kit));
  if (deps.requester) router.use(requesterStaffRoutes({ ...deps.requester, clock: deps.clock }));

  router.use(notFoundPage(renderer));
  router.use(errorPages(renderer, deps.logger));
  return router;
}
