import { Router, type Request } from 'express';
import { AppError } from '../../../domain/errors.js';
import { webUser, type PageKit } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { analystTitle } from './analyst-titles.js';
import { procedureUrl, versionRows } from './procedure-views.js';

const VIEWER_ASSETS = {
  styles: [
    '/assets/bpmn-js/assets/diagram-js.css',
    '/assets/bpmn-js/assets/bpmn-js.css',
    '/assets/bpmn-js/assets/bpmn-font/css/bpmn.css',
    '/assets/css/diagram.css',
    '/assets/css/analyst.css',
  ],
  scripts: [
    '/assets/bpmn-js/bpmn-navigated-viewer.production.min.js',
    '/assets/js/diagram-controls.js',
    '/assets/js/analyst-viewer.js',
  ],
};

/**
 * A procedure's versions: the list (who, when, hash, warnings), each version's
 * exact stored XML as a download, and a read-only diagram of each version.
 */
export function versionsRoutes(deps: WebPageDeps, kit: PageKit): Router {
  const router = Router();

  router.get('/procedures/:procedureId/versions', async (req, res) => {
    const { procedureId } = req.params;
    const versions = await deps.definitions.versions(procedureId);
    if (!versions.length) throw new AppError('PROCEDURE_NOT_FOUND', `procedure <${procedureId}> not found`);
    const rows = versionRows(versions);
    const title = analystTitle(webUser(req).language, 'versions.title', procedureId);
    kit.renderPage(
      res,
      'analyst/versions',
      { title, nav: 'analyst', styles: ['/assets/css/analyst.css'] },
      {
        procedureId,
        name: versions.find((v) => v.version === rows[0]?.version)?.catalog.name ?? procedureId,
        versions: rows,
        notice: saveNotice(req),
        modelerUrl: `${procedureUrl(procedureId)}/modeler`,
      },
    );
  });

  router.get('/procedures/:procedureId/versions/:version.bpmn', async (req, res) => {
    const version = await deps.definitions.byId(versionId(req.params.procedureId, req.params.version));
    res
      // attachment() sets the type from the file name (.bpmn → octet-stream), so type() comes after.
      .attachment(`${version.procedureId}-v${version.version}.bpmn`)
      .type('application/xml')
      .set('Content-Security-Policy', "sandbox; default-src 'none'")
      .set('Cache-Control', 'private, no-cache')
      .send(version.xml);
  });

  router.get('/procedures/:procedureId/versions/:version', async (req, res) => {
    const { procedureId } = req.params;
    const version = await deps.definitions.byId(versionId(procedureId, req.params.version));
    const base = procedureUrl(procedureId);
    const title = analystTitle(webUser(req).language, 'viewer.title', `${procedureId} v${version.version}`);
    kit.renderPage(
      res,
      'analyst/viewer',
      { title, nav: 'analyst', ...VIEWER_ASSETS },
      {
        procedureId,
        name: version.catalog.name,
        version: version.version,
        deployedAt: version.deployedAt,
        deployedBy: version.deployedBy,
        warnings: version.warnings,
        formVersions: Object.entries(version.formVersions ?? {}).map(([key, n]) => ({ key, version: n })),
        versionsUrl: `${base}/versions`,
        downloadUrl: `${base}/versions/${version.version}.bpmn`,
        viewer: {
          xmlUrl: `${base}/versions/${version.version}.bpmn`,
          warningIds: [...new Set(version.warnings.map((warning) => warning.path))],
        },
      },
    );
  });

  return router;
}

/** `<procedureId>@<n>` for a version number from the URL; PROCEDURE_NOT_FOUND for anything else. */
function versionId(procedureId: string, version: string): string {
  if (!/^[1-9]\d{0,8}$/.test(version)) {
    throw new AppError('PROCEDURE_NOT_FOUND', `procedure version <${procedureId}@${version}> not found`);
  }
  return `${procedureId}@${version}`;
}

/** The "saved version N" / "no changes" notice after a form save redirected here. */
function saveNotice(req: Request): { version: number; created: boolean } | undefined {
  const saved = typeof req.query.saved === 'string' ? Number(req.query.saved) : NaN;
  if (!Number.isInteger(saved) || saved < 1) return undefined;
  return { version: saved, created: req.query.created === '1' };
}
