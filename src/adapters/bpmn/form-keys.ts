import type { ModdleElement } from 'bpmn-moddle';
import type { FieldIssue } from '../../domain/errors.js';
import { CATALOG_KEY } from './catalog-ids.js';

/** `deployment:x.form`, `embedded:deployment:x.form`, `camunda-forms:deployment:forms/x.form`. */
const DEPLOYMENT_KEY = /^(?:(?:embedded|camunda-forms):)?deployment:(?:[\w.-]+\/)*([\w.-]+?)(?:\.form)?$/;
/**
 * `camunda-forms:app:x.form`: a Camunda Forms (form-js) file served by the process application,
 * the same kind of file as `forms/x.form` (2026-11-29, Camunda's Camunda Forms example).
 */
const CAMUNDA_FORMS_APP_KEY = /^camunda-forms:app:(?:[\w.-]+\/)*([\w.-]+?)(?:\.form)?$/;
/** Forms served by a Camunda web application (`embedded:app:forms/x.html`, `app:...`). */
const APP_KEY = /^(?:(?:embedded|camunda-forms):)?app:/;
/** Embedded HTML forms deployed with the process (`embedded:deployment:forms/x.html`): the name is read. */
const DEPLOYED_HTML = /^(?:(?:embedded|camunda-forms):)?deployment:(?:[\w.-]+\/)*([\w.-]+?)\.html?$/i;

/** What {@link formKeyOf} read from a user task or start event. */
export interface FormKeyReading {
  /** The form id (`forms/<key>.form`), when the element names one. */
  readonly key?: string;
  readonly issue?: FieldIssue;
}

/**
 * The form an element names, as a form id of `forms/`:
 * - `camunda:formKey="x"`: the form id itself;
 * - `camunda:formKey="deployment:x.form"` (also with `embedded:` or `camunda-forms:`
 *   in front, and folders before the name): a form deployed with the process, here
 *   `forms/x.form`;
 * - `camunda:formKey="camunda-forms:app:x.form"` (a Camunda Forms file of the process
 *   application, with folders before the name): also `forms/x.form`;
 * - `camunda:formRef="x"` (Camunda 7.16+ form references): `forms/x.form`; the
 *   binding (latest / deployment / version) does not apply, forms are read at deploy.
 * Refused with a reason: other `app:` keys (HTML forms of a Camunda web application),
 * `deployment:…/x.html` (embedded HTML forms deployed with the process: the reason names
 * the form id to save instead), and names that are not form ids (a-z, 0-9, -).
 */
export function formKeyOf(node: ModdleElement): FormKeyReading {
  const id = String(node.id);
  const formKey = typeof node.formKey === 'string' ? node.formKey.trim() : undefined;
  const formRef = typeof node.formRef === 'string' ? node.formRef.trim() : undefined;
  const raw = formKey ?? formRef;
  if (raw === undefined) return {};
  const attribute = formKey !== undefined ? 'camunda:formKey' : 'camunda:formRef';
  if (CATALOG_KEY.test(raw)) return { key: raw };
  const deployed =
    formKey !== undefined ? (DEPLOYMENT_KEY.exec(raw) ?? CAMUNDA_FORMS_APP_KEY.exec(raw))?.[1] : undefined;
  if (deployed !== undefined && CATALOG_KEY.test(deployed)) return { key: deployed };
  const refuse = (message: string): FormKeyReading => ({
    issue: { path: id, reason: 'form-key', message: `<${id}> ${attribute} "${raw}" ${message}` },
  });
  const html = formKey !== undefined ? DEPLOYED_HTML.exec(raw)?.[1] : undefined;
  if (html !== undefined) {
    const name = CATALOG_KEY.test(html) ? html : '<name>';
    return refuse(
      `is an embedded HTML form, which this runner cannot show; save the form with the bpmn.io form editor as forms/${name}.form and set camunda:formKey="${name}" (or "deployment:${name}.form")`,
    );
  }
  if (APP_KEY.test(raw)) {
    return refuse(
      'is an HTML form of a Camunda web application, which this runner cannot show; save the form with the bpmn.io form editor as forms/<name>.form and set camunda:formKey="<name>"',
    );
  }
  return refuse('must be a form id (a-z, 0-9, -), or deployment:<form id>.form');
}
