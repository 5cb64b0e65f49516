import express, { Router } from 'express';
import { FORM_KEY, MAX_FORM_BYTES, type FormVersions } from '../../../app/form-versions.js';
import { AppError } from '../../../domain/errors.js';
import { webUser, type PageKit } from '../page.js';
import { analystTitle } from './analyst-titles.js';
import { sendError } from './deploy-outcome.js';

const EDITOR_ASSETS = {
  styles: ['/assets/build/form-editor.css', '/assets/css/analyst.css'],
  scripts: ['/assets/build/form-editor.js'],
};

/** The schema a new form starts from (form-js `default` type, one text line). */
function starterSchema(formKey: string) {
  return { type: 'default', id: formKey, schemaVersion: 16, components: [] };
}

function checkedKey(formKey: string): string {
  if (!FORM_KEY.test(formKey)) throw new AppError('FORM_NOT_FOUND', `form <${formKey}> not found`);
  return formKey;
}

/**
 * The analyst's forms (docs/adr/0028): the catalogue page and its JSON (the modeler's form key
 * select), the form-js editor with live preview, the schema of a version, and saves that become
 * new versions after the form checks (422 with the component paths otherwise).
 */
export function formsRoutes(formVersions: FormVersions, kit: PageKit): Router {
  const router = Router();

  router.get('/forms.json', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ forms: await formVersions.catalogue() });
  });

  router.get('/forms', async (req, res) => {
    const title = analystTitle(webUser(req).language, 'forms.title');
    kit.renderPage(
      res,
      'analyst/forms',
      { title, nav: 'analyst', styles: ['/assets/css/analyst.css'] },
      { forms: await formVersions.catalogue() },
    );
  });

  // The "new form" box posts its key here (GET form): on to the editor, or back with an error.
  router.get('/forms/new', (req, res) => {
    const key = typeof req.query.formKey === 'string' ? req.query.formKey.trim() : '';
    if (!FORM_KEY.test(key))
      throw new AppError('BAD_REQUEST', `form key <${key}> must be kebab-case (a-z, 0-9, -)`);
    res.redirect(303, `/analyst/forms/${key}/edit`);
  });

  router.get('/forms/:formKey/edit', async (req, res) => {
    const formKey = checkedKey(req.params.formKey);
    const latest = await formVersions.latestNumber(formKey);
    const title = analystTitle(webUser(req).language, 'formEditor.title', formKey);
    kit.renderPage(
      res,
      'analyst/form-editor',
      { title, nav: 'analyst', ...EDITOR_ASSETS },
      {
        formKey,
        version: latest,
        isNew: latest === null,
        editor: {
          schemaUrl: `/analyst/forms/${formKey}/schema.json`,
          saveUrl: `/analyst/forms/${formKey}/versions`,
        },
      },
    );
  });

  router.get('/forms/:formKey/schema.json', async (req, res) => {
    const formKey = checkedKey(req.params.formKey);
    const asked = typeof req.query.version === 'string' ? Number(req.query.version) : undefined;
    if (asked !== undefined && !(Number.isInteger(asked) && asked > 0)) {
      throw new AppError(
        'FORM_NOT_FOUND',
        `form <${formKey}> version <${String(req.query.version)}> not found`,
      );
    }
    const found = await formVersions.get(formKey, asked);
    if (!found && asked !== undefined)
      throw new AppError('FORM_NOT_FOUND', `form <${formKey}@${asked}> not found`);
    res.set('Cache-Control', 'no-store').json({
      formKey,
      version: found?.version ?? null,
      schema: found ? (JSON.parse(found.json) as unknown) : starterSchema(formKey),
    });
  });

  router.post('/forms/:formKey/versions', express.json({ limit: MAX_FORM_BYTES * 2 }), async (req, res) => {
    try {
      const formKey = req.params.formKey;
      const schema = (req.body as { schema?: unknown } | undefined)?.schema;
      if (typeof schema !== 'object' || schema === null) {
        throw new AppError('BAD_REQUEST', 'send the form as { "schema": { ...form-js schema } }');
      }
      const { version, created } = await formVersions.save(formKey, schema, webUser(req));
      res.status(created ? 201 : 200).json({ formKey, version: version.version, created });
    } catch (error) {
      sendError(res, error);
    }
  });

  return router;
}
