import { Router, type Response } from 'express';
import { importRequestersCsv, type ImportReport } from '../../../app/requester-directory-import.js';
import type { RequesterDirectory } from '../../../app/requester-directory.js';
import { isAppError, type FieldIssue } from '../../../domain/errors.js';
import {
  parseRequesterText,
  requesterText,
  type Requester,
  type RequesterText,
} from '../../../domain/requester.js';
import { ERROR_STATUS } from '../../error-status.js';
import { lookupAnswer, lookupQuery } from '../../routes/requesters.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';

const NAV = 'requesters';
const TEXT_FIELDS = [
  'name',
  'emails',
  'phones',
  'establishment',
  'role',
  'identifiers',
  'institutional',
  'language',
] as const;

/**
 * The requester directory pages (docs/adr/0030): `/requesters` list, new, edit, CSV import
 * (supervisors and admins); `/requesters/lookup.json` for the start forms' lookup and `/intake`
 * for the telephony screen-pop (agents).
 */
export function requesterPages(directory: RequesterDirectory, deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();
  const staff = kit.requirePageRole('supervisor');
  const agents = kit.requirePageRole('agent', 'supervisor');

  const showForm = (
    res: Response,
    data: { requester?: Requester; text: RequesterText; errors?: readonly FieldIssue[]; saved?: boolean },
    status = 200,
  ) =>
    kit.renderPage(
      res,
      'requesters/edit',
      { title: 'requesters.title', nav: NAV },
      {
        ...data,
        errors: data.errors ?? [],
        saved: data.saved === true,
        institutional: data.text.institutional === 'yes',
      },
      status,
    );

  router.get('/requesters/lookup.json', agents, async (req, res) => {
    try {
      res.json(await lookupAnswer(directory, lookupQuery(req), webUser(req)));
    } catch (error) {
      if (!isAppError(error)) throw error;
      res
        .status(ERROR_STATUS[error.code])
        .json({ error: { code: error.code, message: error.message, details: error.details } });
    }
  });

  router.get('/intake', agents, async (req, res) => {
    const phone = typeof req.query.phone === 'string' ? req.query.phone.slice(0, 40) : '';
    const procedure = typeof req.query.procedure === 'string' ? req.query.procedure.slice(0, 100) : '';
    const query = new URLSearchParams({ ...(phone ? { phone } : {}), channel: 'phone' }).toString();
    if (procedure) {
      await deps.definitions.current(procedure); // PROCEDURE_NOT_FOUND names it
      return res.redirect(303, `/start/${encodeURIComponent(procedure)}?${query}`);
    }
    const procedures = (await deps.definitions.list())
      .map((v) => ({
        name: v.catalog.name || v.procedureId,
        href: `/start/${encodeURIComponent(v.procedureId)}?${query}`,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    kit.renderPage(
      res,
      'requesters/intake',
      { title: 'requesters.intake.title', nav: 'start' },
      { phone, procedures },
    );
  });

  router.get('/requesters', staff, async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const requesters = await directory.list(q, webUser(req));
    kit.renderPage(res, 'requesters/list', { title: 'requesters.title', nav: NAV }, { requesters, q });
  });

  router.get('/requesters/new', staff, (_req, res) => showForm(res, { text: {} }));

  router.post('/requesters/new', staff, async (req, res) => {
    const text = textOf(req.body);
    const parsed = parseRequesterText(text);
    if (!parsed.value) return showForm(res, { text, errors: parsed.issues }, 422);
    try {
      const created = await directory.create(parsed.value, webUser(req));
      res.redirect(303, `/requesters/${encodeURIComponent(created.id)}?saved=1`);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      showForm(res, { text, errors: error.details }, 422);
    }
  });

  router.get('/requesters/import', staff, (_req, res) => showImport(kit, res, {}));

  router.post('/requesters/import', staff, async (req, res) => {
    const csv = typeof req.body?.csv === 'string' ? req.body.csv : '';
    try {
      const report = await importRequestersCsv(directory, csv, webUser(req));
      showImport(kit, res, { report }, report.errors.length ? 422 : 200);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      showImport(kit, res, { csv: csv.slice(0, 100_000), fileError: error.message }, 422);
    }
  });

  router.get('/requesters/:id', staff, async (req, res) => {
    const requester = await directory.get(String(req.params.id), webUser(req));
    showForm(res, { requester, text: requesterText(requester), saved: req.query.saved === '1' });
  });

  router.post('/requesters/:id', staff, async (req, res) => {
    const id = String(req.params.id);
    const text = textOf(req.body);
    const version = Number(req.body?.version);
    const requester = await directory.get(id, webUser(req));
    const parsed = parseRequesterText(text);
    if (!parsed.value) return showForm(res, { requester, text, errors: parsed.issues }, 422);
    try {
      await directory.update(id, parsed.value, Number.isInteger(version) ? version : -1, webUser(req));
    } catch (error) {
      if (!isAppError(error) || (error.code !== 'VALIDATION_FAILED' && error.code !== 'CONFLICT'))
        throw error;
      const errors = error.details.length
        ? error.details
        : [{ path: 'name', reason: 'conflict', message: error.message }];
      return showForm(
        res,
        { requester: await directory.get(id, webUser(req)), text, errors },
        ERROR_STATUS[error.code],
      );
    }
    res.redirect(303, `/requesters/${encodeURIComponent(id)}?saved=1`);
  });

  return router;
}

function showImport(
  kit: PageKit,
  res: Response,
  data: { report?: ImportReport; csv?: string; fileError?: string },
  status = 200,
): void {
  kit.renderPage(res, 'requesters/import', { title: 'requesters.import.title', nav: NAV }, data, status);
}

function textOf(body: unknown): RequesterText {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text: Record<string, string> = {};
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (typeof value === 'string') text[field] = value.slice(0, 5000);
  }
  return text;
}
