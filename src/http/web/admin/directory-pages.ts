import { Router, type Request, type Response } from 'express';
import type { DirectoryService, StoredGroup } from '../../../app/directory-service.js';
import { AppError, isAppError, type FieldIssue } from '../../../domain/errors.js';
import { isGroupId } from '../../../domain/directory.js';
import { placeholderEntries } from '../../../domain/directory-placeholders.js';
import { ERROR_STATUS } from '../../error-status.js';
import { webUser, type PageKit } from '../page.js';

const NAV = 'directory';

/**
 * `/admin/directory` (role admin, docs/adr/0021-seed-fidelity.md): the group mailboxes of the
 * escalation matrices; an admin replaces a group's addresses (validated; each change kept with
 * who and when, and applied to mail at once).
 */
export function directoryPages(directory: DirectoryService, kit: PageKit): Router {
  const admin = Router();
  admin.use(kit.requirePageRole('admin'));

  const showGroup = (
    res: Response,
    group: StoredGroup,
    extra: { saved?: boolean; addresses?: string; errors?: readonly FieldIssue[] } = {},
    status = 200,
  ) =>
    kit.renderPage(
      res,
      'admin/directory-group',
      { title: 'admin.directory.title', nav: NAV },
      {
        group: withPlaceholders(group),
        addresses: extra.addresses ?? group.addresses.join('\n'),
        saved: extra.saved === true,
        errors: extra.errors ?? [],
      },
      status,
    );

  admin.get('/directory', async (req, res) => {
    const groups = (await directory.list(webUser(req))).map(withPlaceholders);
    const placeholderGroups = groups.filter((group) => group.placeholders > 0).length;
    kit.renderPage(
      res,
      'admin/directory',
      { title: 'admin.directory.title', nav: NAV },
      { groups, placeholderGroups },
    );
  });

  admin.get('/directory/:id', async (req, res) => {
    const group = await directory.get(groupIdOf(req), webUser(req));
    showGroup(res, group, { saved: req.query.saved === '1' });
  });

  admin.post('/directory/:id', async (req, res) => {
    const id = groupIdOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = typeof body.addresses === 'string' ? body.addresses : '';
    const version = Number(body.version);
    try {
      await directory.update(id, text, Number.isInteger(version) ? version : -1, webUser(req));
    } catch (error) {
      if (!isAppError(error) || (error.code !== 'VALIDATION_FAILED' && error.code !== 'CONFLICT'))
        throw error;
      const group = await directory.get(id, webUser(req));
      const errors = error.details.length
        ? error.details
        : [{ path: 'addresses', reason: 'conflict', message: error.message }];
      return showGroup(res, group, { addresses: text, errors }, ERROR_STATUS[error.code]);
    }
    res.redirect(303, `/admin/directory/${encodeURIComponent(id)}?saved=1`);
  });

  const router = Router();
  router.use('/admin', admin);
  return router;
}

/** A group with each address marked when it is a placeholder to replace (example.org etc.). */
function withPlaceholders(group: StoredGroup) {
  const entries = placeholderEntries(group.addresses);
  return { ...group, entries, placeholders: entries.filter((entry) => entry.placeholder).length };
}

/** The `:id` of the path; anything that is not a group id is GROUP_NOT_FOUND. */
function groupIdOf(req: Request): string {
  const id = String(req.params.id);
  if (!isGroupId(id))
    throw new AppError('GROUP_NOT_FOUND', `group <${id.slice(0, 100)}> is not in the directory`);
  return id;
}
