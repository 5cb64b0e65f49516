import { Router, type Request, type Response } from 'express';
import type { AccountService } from '../../../app/account-service.js';
import type { SessionService } from '../../../app/session-service.js';
import { ERROR_STATUS } from '../../error-status.js';
import { isAppError } from '../../../domain/errors.js';
import { accountId, type Language } from '../../../domain/account.js';
import { webUser, type PageKit } from '../page.js';
import {
  emptyState,
  isFormError,
  profileFromForm,
  roleChoices,
  stateFromAccount,
  stateFromForm,
  type UserFormState,
} from './user-forms.js';

/** What the admin pages need. */
export interface AdminPageDeps {
  readonly accounts: AccountService;
  readonly sessions: SessionService;
  /** Language of the new-user form until the admin picks another (default es). */
  readonly defaultLanguage?: Language;
}

const NAV = 'users';
const LANGUAGES = ['es', 'it', 'en'];

/**
 * `/admin/users` (role admin): list, create, edit roles/groups/language, reset a
 * password and disable or enable an account. Resetting a password or disabling
 * ends the account's sessions.
 */
export function adminPages(deps: AdminPageDeps, kit: PageKit): Router {
  const admin = Router();
  admin.use(kit.requirePageRole('admin'));

  const showNew = (res: Response, state: UserFormState, status = 200) =>
    kit.renderPage(res, 'admin/user-new', { title: 'admin.new.title', nav: NAV }, formData(state), status);

  const showUser = async (
    req: Request,
    res: Response,
    state?: UserFormState,
    status = 200,
    password?: string,
  ) => {
    const account = await deps.accounts.get(String(req.params.id), webUser(req));
    kit.renderPage(
      res,
      'admin/user-edit',
      { title: 'admin.edit.title', nav: NAV },
      {
        account,
        isSelf: account.id === webUser(req).id,
        saved: typeof req.query.saved === 'string' ? req.query.saved : undefined,
        passwordError: password,
        ...formData(state ?? stateFromAccount(account)),
      },
      status,
    );
  };

  admin.get('/users', async (req, res) => {
    const users = await deps.accounts.list(webUser(req));
    kit.renderPage(res, 'admin/users', { title: 'admin.users.title', nav: NAV }, { users });
  });

  admin.get('/users/new', (_req, res) => showNew(res, emptyState(deps.defaultLanguage)));

  admin.post('/users', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    try {
      const created = await deps.accounts.create(
        {
          ...profileFromForm(body),
          username: String(body.username ?? ''),
          password: String(body.password ?? ''),
        },
        webUser(req),
      );
      res.redirect(303, `/admin/users/${encodeURIComponent(created.id)}?saved=created`);
    } catch (error) {
      if (!isFormError(error)) throw error;
      showNew(res, stateFromForm(body, error), statusOf(error));
    }
  });

  admin.get('/users/:id', (req, res) => showUser(req, res));

  admin.post('/users/:id', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    try {
      await deps.accounts.updateProfile(String(req.params.id), profileFromForm(body), webUser(req));
      res.redirect(303, `${userUrl(req)}?saved=profile`);
    } catch (error) {
      if (!isFormError(error)) throw error;
      await showUser(req, res, stateFromForm(body, error), statusOf(error));
    }
  });

  admin.post('/users/:id/password', async (req, res) => {
    const id = String(req.params.id);
    try {
      await deps.accounts.resetPassword(id, String(req.body?.password ?? ''), webUser(req));
    } catch (error) {
      if (!isFormError(error)) throw error;
      const reason = isAppError(error) ? (error.details[0]?.reason ?? 'minLength') : 'minLength';
      return showUser(req, res, undefined, statusOf(error), `admin.issues.password.${reason}`);
    }
    await deps.sessions.endAllFor(accountId(id));
    res.redirect(303, `${userUrl(req)}?saved=password`);
  });

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    admin.post(`/users/:id/${action}`, async (req, res) => {
      const id = String(req.params.id);
      await deps.accounts.setDisabled(id, disabled, webUser(req));
      if (disabled) await deps.sessions.endAllFor(accountId(id));
      res.redirect(303, `${userUrl(req)}?saved=${action}d`);
    });
  }

  const router = Router();
  router.use('/admin', admin);
  return router;
}

function formData(state: UserFormState) {
  return {
    form: state,
    roleChoices: roleChoices(state),
    languageChoices: LANGUAGES.map((code) => ({ code, selected: code === state.language })),
  };
}

function userUrl(req: Request): string {
  return `/admin/users/${encodeURIComponent(String(req.params.id))}`;
}

function statusOf(error: unknown): number {
  return isAppError(error) ? ERROR_STATUS[error.code] : 500;
}
