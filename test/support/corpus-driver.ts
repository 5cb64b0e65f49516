import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestApp } from './harness.js';

/**
 * What the diagram-corpus tests (compatibility.test.ts, public-corpus.test.ts) share: deploying a
 * diagram over HTTP, form data generated from form-js schemas, failure mapping, event delivery,
 * waiting on short timers and the markdown report. How each corpus drives its tickets (order of
 * tasks and events, workers, what counts as done) stays in its own test.
 */

/** How a diagram's run ended badly: `500` for a server error, else `fails`. */
export interface Failure {
  readonly kind: '500' | 'fails';
  readonly detail: string;
}

/** A deployment refused with 422: the reasons named as `reason <element>`. */
export interface Refusal {
  readonly kind: 'refused';
  readonly detail: string;
  /** The first message of each reason. */
  readonly why: string;
}

/** The parts of a deployed procedure's catalog the drivers read. */
export interface CorpusCatalog {
  readonly startFormKey?: string;
  readonly generatedForms?: Record<string, string>;
  readonly messageStarts?: { name: string }[];
  readonly plainStart?: boolean;
}

/** A form-js component, as far as data generation looks at it. */
export interface FormComponent {
  readonly type: string;
  readonly key?: string;
  readonly readonly?: boolean | string;
  readonly disabled?: boolean;
  readonly values?: readonly { readonly value: string }[];
  readonly subtype?: string;
  readonly validate?: { readonly maxLength?: number; readonly min?: number; readonly pattern?: string };
  readonly components?: readonly FormComponent[];
}

/** Most components of one form looked at (nested groups included). */
const MAX_COMPONENTS = 500;
/** Components that hold no user input. */
const DISPLAY_ONLY = new Set(['text', 'image', 'button', 'spacer', 'separator', 'filepicker']);

/** The step that failed, its status, error code and message (300 characters at most). */
export function failure(step: string, response: { status: number; body: any }): Failure {
  const code = response.body?.error?.code ?? '';
  const message = response.body?.error?.message ?? JSON.stringify(response.body);
  return {
    kind: response.status >= 500 ? '500' : 'fails',
    detail: `${step}: ${response.status} ${code} ${message}`.slice(0, 300),
  };
}

/** Deploys `xml` as `procedureId`: its catalog, or the refusal (422) or failure of the deployment. */
export async function deploy(
  app: TestApp,
  procedureId: string,
  xml: string,
): Promise<{ readonly catalog: CorpusCatalog } | { readonly outcome: Refusal | Failure }> {
  const deployed = await app.call('analyst', 'PUT', `/api/procedures/${procedureId}`, xml, 'application/xml');
  if (deployed.status === 422) {
    const details: { path: string; reason: string; message?: unknown }[] = deployed.body.error.details ?? [];
    const reasons = [...new Set(details.map((d) => `${d.reason} <${d.path}>`))].join(', ');
    const why = [...new Map(details.map((d) => [d.reason, String(d.message)])).values()];
    return {
      outcome: { kind: 'refused', detail: `${deployed.body.error.code}: ${reasons}`, why: why.join(' / ') },
    };
  }
  if (deployed.status !== 201) return { outcome: failure('deploy', deployed) };
  return { catalog: deployed.body.catalog ?? (await catalogOf(app, procedureId)) };
}

/** The catalog of a deployed procedure (empty when it has none). */
export async function catalogOf(app: TestApp, procedureId: string): Promise<CorpusCatalog> {
  return (await app.call('analyst', 'GET', `/api/procedures/${procedureId}`)).body.catalog ?? {};
}

/** The supervisor's view of a ticket (`instance`, `tasks`, ...). */
export async function instanceView(app: TestApp, instanceId: string): Promise<any> {
  return (await app.call('supervisor', 'GET', `/api/instances/${instanceId}`)).body;
}

/** Messages go to this ticket; signals are broadcast (no other diagram awaits the same name). */
export function deliverEvent(app: TestApp, instanceId: string, event: { kind: string; name: string }) {
  return event.kind === 'message'
    ? app.call('agentL1', 'POST', `/api/instances/${instanceId}/messages`, { name: event.name })
    : app.call('agentL1', 'POST', '/api/signals', { name: event.name });
}

/**
 * A waiter for the timers the scheduler fires by itself: while one falls due within `waitMs` and
 * the run has waited less than twice that in all, it sleeps 250 ms and answers true.
 */
export function timerWaiter(waitMs: number): (timers: readonly { dueAt: string }[]) => Promise<boolean> {
  let waitedMs = 0;
  return async (timers) => {
    const soon = timers.some((timer) => Date.parse(timer.dueAt) - Date.now() < waitMs);
    if (!soon || waitedMs >= waitMs * 2) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
    waitedMs += 250;
    return true;
  };
}

/**
 * Data for every editable field (nested groups included, bounded) of the form `formKey`: generated
 * from camunda:formData when the catalog has it (ADR 0031), else `<formsDir>/<formKey>.form`.
 */
export function formData(
  formKey: string | undefined,
  options: {
    readonly formsDir: string;
    readonly generated?: Readonly<Record<string, string>>;
    readonly valueFor: (component: FormComponent) => unknown;
  },
): Record<string, unknown> {
  if (!formKey) return {};
  const text =
    options.generated?.[formKey] ?? readFileSync(path.join(options.formsDir, `${formKey}.form`), 'utf8');
  const data: Record<string, unknown> = {};
  const pending = [...(JSON.parse(text) as { components: FormComponent[] }).components].reverse();
  for (let seen = 0; pending.length && seen < MAX_COMPONENTS; seen++) {
    const component = pending.pop() as FormComponent;
    pending.push(...[...(component.components ?? [])].reverse());
    if (!component.key || component.readonly === true || component.disabled) continue;
    if (DISPLAY_ONLY.has(component.type)) continue;
    data[component.key] = options.valueFor(component);
  }
  return data;
}

/** A markdown table (`|` escaped and line breaks flattened in every cell), without a final newline. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Writes a report under test-output/ (creating the folder). */
export function writeReport(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
