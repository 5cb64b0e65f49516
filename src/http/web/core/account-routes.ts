import { Router } from 'express';
import type { AccountService } from '../../../app/account-service.js';
import type { SessionService } from '../../../app/session-service.js';
import { AppError } from '../../../domain/errors.js';
import { webUser, type RenderPage } from '../page.js';
import { SESSION_COOKIE, cookieOptions } from './cookies.js';
import { isUiLanguage } from './language.js';
import { homeOf } from './navigation.js';
import { safeNextPath } from './safe-next.js';
import { sessionTokenOf } from './session-middleware.js';

/** What the signed-in user's own routes need. */
export interface AccountRouteDeps {
  readonly accounts: AccountService;
  readonly sessions: SessionService;
  readonly renderPage: RenderPage;
  readonly secureCookies: boolean;
}

/** `/` (to the role's home), `/account` (own details, language choice) and `POST /logout`. */
export function accountRoutes(deps: AccountRouteDeps): Router {
  const router = Router();

  router.get('/', (req, res) => res.redirect(303, homeOf(webUser(req))));

  router.get('/account', (req, res) => {
    deps.renderPage(
      res,
      'core/account',
      { title: 'common.account.title', nav: 'account' },
      { account: webUser(req) },
    );
  });

  router.post('/account', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!isUiLanguage(body.language))
      throw new AppError(
        'VALIDATION_FAILED',
        `language <${String(body.language)}> is not one of es, it, en`,
        [{ path: 'language', reason: 'enum', message: 'choose es, it or en' }],
      );
    await deps.accounts.setLanguage(webUser(req).id, body.language);
    res.redirect(303, safeNextPath(body.next) ?? '/account');
  });

  router.post('/logout', async (req, res) => {
    const token = sessionTokenOf(req);
    if (token) await deps.sessions.end(token);
    res.clearCookie(SESSION_COOKIE, cookieOptions(deps.secureCookies));
    res.redirect(303, '/login');
  });

  return router;
}
