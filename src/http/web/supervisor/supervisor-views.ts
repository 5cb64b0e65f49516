/** Small view helpers shared by the supervisor pages. */
import type { FieldIssue } from '../../../domain/errors.js';

/** Stylesheets of every supervisor page. */
export const STYLES: readonly string[] = ['/assets/css/supervisor.css'];

/** bpmn-js assets of the instance page (served by the web core). */
export const DIAGRAM_STYLES: readonly string[] = [
  '/assets/bpmn-js/assets/diagram-js.css',
  '/assets/bpmn-js/assets/bpmn-js.css',
  '/assets/bpmn-js/assets/bpmn-font/css/bpmn.css',
  '/assets/css/diagram.css',
  ...STYLES,
];
export const DIAGRAM_SCRIPTS: readonly string[] = [
  '/assets/bpmn-js/bpmn-navigated-viewer.production.min.js',
  '/assets/js/diagram-controls.js',
  '/assets/js/supervisor-diagram.js',
];

/** i18n key of an instance, task or SLA state. */
export function statusKey(status: string): string {
  return `supervisor.status.${status}`;
}

/** Field → i18n key of its first error (`supervisor.errors.<reason>`). */
export function fieldErrors(issues: readonly FieldIssue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[issue.path] ??= `supervisor.errors.${issue.reason}`;
  return errors;
}

const MAX_VALUE = 200;

/** A variable or event data value as short text: strings as they are, the rest as JSON, cut at 200 characters. */
export function displayValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}
