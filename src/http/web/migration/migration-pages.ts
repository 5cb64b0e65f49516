import { Router, type Request, type Response } from 'express';
import type { MigrationReport, MigrationService } from '../../../app/migration.js';
import { isAppError } from '../../../domain/errors.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';

/** Mapping lines read at most (`source = target`, one per line). */
const MAX_LINES = 200;
/** Longest mapping text read (200 lines of two activity ids). */
const MAX_MAPPING_CHARS = 80_000;
/** Ticket rows a result page lists; the rest are counted ("N more not shown"). */
const MAX_ROWS = 500;

interface MigrationForm {
  readonly procedureId: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly mapping: string;
  readonly mapEqualActivities: boolean;
}

/**
 * `/migration` (supervisors and analysts; ADR 0031): choose a procedure, the versions and the
 * activity mapping, preview which tickets can move and why others cannot, then migrate them.
 */
export function migrationPages(migrations: MigrationService, deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();
  router.use('/migration', kit.requirePageRole('supervisor', 'analyst'));

  router.get('/migration', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const form: MigrationForm = {
      procedureId: text(query.procedure),
      fromVersion: text(query.from),
      toVersion: text(query.to),
      mapping: '',
      mapEqualActivities: true,
    };
    await render(res, deps, kit, form);
  });

  router.post('/migration/preview', (req, res) => run(req, res, 'preview'));
  router.post('/migration/apply', (req, res) => run(req, res, 'apply'));

  async function run(req: Request, res: Response, mode: 'preview' | 'apply') {
    const form = formOf(req.body as Record<string, unknown>);
    try {
      const request = requestOf(form);
      const user = webUser(req);
      const report =
        mode === 'preview'
          ? await migrations.preview(request, user)
          : await migrations.migrate(request, user);
      await render(res, deps, kit, form, { report, applied: mode === 'apply' });
    } catch (error) {
      if (!isAppError(error) || error.code === 'FORBIDDEN') throw error;
      await render(res, deps, kit, form, { error: error.message }, 422);
    }
  }

  return router;
}

async function render(
  res: Response,
  deps: WebPageDeps,
  kit: PageKit,
  form: MigrationForm,
  result: { report?: MigrationReport; applied?: boolean; error?: string } = {},
  status?: number,
) {
  const procedures = (await deps.definitions.list()).map((version) => ({
    id: version.procedureId,
    name: version.catalog.name,
    latest: version.version,
    selected: version.procedureId === form.procedureId,
  }));
  const all = result.report?.tickets ?? [];
  const tickets = all.slice(0, MAX_ROWS);
  const hidden = (result.report?.notShown ?? 0) + all.length - tickets.length;
  kit.renderPage(
    res,
    'migration/migration',
    { title: 'migration.title', nav: 'migration' },
    {
      form,
      procedures,
      report: result.report,
      tickets,
      movable: all.filter((ticket) => ticket.canMove).length,
      hidden,
      total: result.report?.total ?? 0,
      applied: result.applied ?? false,
      error: result.error,
    },
    status,
  );
}

function formOf(body: Record<string, unknown>): MigrationForm {
  return {
    procedureId: text(body.procedureId),
    fromVersion: text(body.fromVersion),
    toVersion: text(body.toVersion),
    // Not text(): that keeps 200 characters, and a mapping has a line per activity.
    mapping: typeof body.mapping === 'string' ? body.mapping.slice(0, MAX_MAPPING_CHARS) : '',
    mapEqualActivities: body.mapEqualActivities === 'on' || body.mapEqualActivities === 'true',
  };
}

/** The JSON request of the API from the form: `source = target` lines become the mapping. */
function requestOf(form: MigrationForm): Record<string, unknown> {
  const mapping: Record<string, string> = {};
  for (const line of form.mapping.split(/\r?\n/).slice(0, MAX_LINES)) {
    const [from, to] = line.split(/=|→|->/).map((part) => part.trim());
    if (from && to) mapping[from] = to;
  }
  return {
    procedureId: form.procedureId,
    fromVersion: Number(form.fromVersion),
    toVersion: Number(form.toVersion),
    mapping,
    mapEqualActivities: form.mapEqualActivities,
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim().slice(0, 200) : '';
}
