import type { Actor } from '../domain/actor.js';
import { sendTaskRecipientIssue, type MailPolicy } from '../domain/mail-policy.js';
import type { Clock } from '../domain/clock.js';
import { AppError, type FieldIssue } from '../domain/errors.js';
import type { ProcedureCatalog, ProcedureVersion } from '../domain/procedure.js';
import { pinnedForms, samePins } from './form-versions.js';
import type { DefinitionParser, DefinitionRepository, FormValidator } from './ports.js';

const PROCEDURE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Versions kept in memory; far more than a desk runs at once, and cleared wholesale when full. */
const VERSION_CACHE_SIZE = 500;

/** Most problems spelled out in a refusal's message; `details` always lists them all. */
const MESSAGE_ISSUES = 50;

/**
 * A parser's refusal (`PROCEDURE_INVALID` / `PROCEDURE_UNSAFE`) that carries the
 * catalog it could still read, so that deploy adds its own findings (forms,
 * calendars) and the analyst gets every problem in one answer.
 */
export class DefinitionRejected extends AppError {
  constructor(
    code: 'PROCEDURE_INVALID' | 'PROCEDURE_UNSAFE',
    fileName: string,
    details: readonly FieldIssue[],
    readonly catalog?: ProcedureCatalog,
  ) {
    const clipped = details.map(clippedIssue);
    super(code, refusalMessage(fileName, clipped), clipped);
  }
}

/** Longest finding message kept, in refusals and stored warnings: a finding may quote the analyst's text (a timer value, a reference). */
const MAX_ISSUE_MESSAGE = 500;

function clippedIssue(issue: FieldIssue): FieldIssue {
  if (issue.message.length <= MAX_ISSUE_MESSAGE) return issue;
  return { ...issue, message: `${issue.message.slice(0, MAX_ISSUE_MESSAGE - 1)}…` };
}

/** `<file>: <problem>; <problem>; ...`, the first {@link MESSAGE_ISSUES} problems spelled out. */
export function refusalMessage(fileName: string, issues: readonly FieldIssue[]): string {
  const shown = issues.slice(0, MESSAGE_ISSUES).map((issue) => issue.message);
  const more = issues.length > MESSAGE_ISSUES ? `; and ${issues.length - MESSAGE_ISSUES} more` : '';
  return `${fileName}: ${shown.join('; ')}${more}`;
}

/** Result of a deploy: the version now current and whether it is new. */
export interface DeployResult {
  readonly version: ProcedureVersion;
  readonly created: boolean;
}

/** Deploys procedure definitions as immutable, content-addressed versions. */
export class DefinitionsService {
  private readonly versionCache = new Map<string, ProcedureVersion>();

  constructor(
    private readonly deps: {
      readonly definitions: DefinitionRepository;
      readonly parser: DefinitionParser;
      readonly forms: FormValidator;
      readonly clock: Clock;
      /** When given, timers naming an unknown business calendar are refused at deploy. */
      readonly calendars?: { has(id: string): boolean };
      /** When given, send tasks mailing a literal address outside it are refused at deploy. */
      readonly mailPolicy?: MailPolicy;
      /**
       * Where forms generated from `camunda:formData` are registered at deploy, as form
       * versions (ADR 0031); without it such tasks are refused as naming a missing form.
       */
      readonly generatedForms?: {
        save(formKey: string, json: unknown, actor: Actor, source: 'file'): Promise<unknown>;
      };
    },
  ) {}

  /** Parses and stores the XML as the next version, unless it equals the current one. */
  async deploy(
    procedureId: string,
    xml: string,
    actor: Actor,
    fileName = `${procedureId}.bpmn`,
  ): Promise<DeployResult> {
    if (!PROCEDURE_ID.test(procedureId)) {
      throw new AppError('BAD_REQUEST', `procedure id <${procedureId}> must be kebab-case (a-z, 0-9, -)`);
    }
    const parsed = await this.vet(xml, procedureId, fileName);
    await this.registerGeneratedForms(parsed.catalog, actor);
    const latest = await this.deps.definitions.findLatest(procedureId);
    // A deploy pins the latest form versions (ADR 0028): a form edit makes a redeploy a new version.
    const formVersions = await pinnedForms(this.deps.forms, parsed.catalog);
    const same = latest?.contentHash === parsed.contentHash && samePins(latest.formVersions, formVersions);
    if (latest && same) return { version: latest, created: false };
    const number = (latest?.version ?? 0) + 1;
    const version: ProcedureVersion = {
      id: `${procedureId}@${number}`,
      procedureId,
      version: number,
      contentHash: parsed.contentHash,
      xml,
      catalog: parsed.catalog,
      warnings: parsed.warnings.map(clippedIssue),
      deployedAt: this.deps.clock.now(),
      deployedBy: actor.id,
      ...(formVersions ? { formVersions } : {}),
    };
    await this.deps.definitions.insert(version);
    return { version, created: true };
  }

  /** The current version of a procedure, or PROCEDURE_NOT_FOUND. */
  async current(procedureId: string): Promise<ProcedureVersion> {
    // One `_id` lookup of the pointer; the version itself (and its catalog) comes from the cache.
    const id = await this.deps.definitions.findLatestId(procedureId);
    if (!id) throw new AppError('PROCEDURE_NOT_FOUND', `procedure <${procedureId}> not found`);
    return this.byId(id);
  }

  /** A specific version by id (`<procedureId>@<n>`), or PROCEDURE_NOT_FOUND. */
  /**
   * A stored version by id. Versions never change once stored, so they are kept in memory:
   * every step of an instance (and the SLA tracker in its commit) reads its version.
   */
  async byId(definitionId: string): Promise<ProcedureVersion> {
    const cached = this.versionCache.get(definitionId);
    if (cached) return cached;
    const version = await this.deps.definitions.findById(definitionId);
    if (!version) throw new AppError('PROCEDURE_NOT_FOUND', `procedure version <${definitionId}> not found`);
    if (this.versionCache.size >= VERSION_CACHE_SIZE) this.versionCache.clear();
    this.versionCache.set(definitionId, version);
    return version;
  }

  /** The current versions of the procedures; dry runs' scratch procedures are not listed (ADR 0031). */
  async list(): Promise<ProcedureVersion[]> {
    return (await this.deps.definitions.listLatest()).filter((v) => !v.procedureId.startsWith('dryrun-'));
  }

  versions(procedureId: string) {
    return this.deps.definitions.listVersions(procedureId);
  }

  /**
   * The parser's verdict plus the form and calendar checks, refused once with every
   * problem: `PROCEDURE_UNSAFE` when the parser found something unsafe, else
   * `PROCEDURE_INVALID`.
   */
  private async vet(xml: string, procedureId: string, fileName: string) {
    let parsed: Awaited<ReturnType<DefinitionParser['parse']>> | undefined;
    let rejected: DefinitionRejected | undefined;
    try {
      parsed = await this.deps.parser.parse(xml, procedureId, fileName);
    } catch (error) {
      if (!(error instanceof DefinitionRejected)) throw error;
      rejected = error;
    }
    const catalog = parsed?.catalog ?? rejected?.catalog;
    const earlier = rejected?.details ?? [];
    const badKeys = new Set(
      earlier.filter((issue) => issue.reason === 'form-key').map((issue) => issue.path),
    );
    const own = catalog
      ? [
          ...(await this.formIssues(catalog, badKeys)),
          ...this.calendarIssues(catalog),
          ...this.recipientIssues(catalog),
        ]
      : [];
    if (!rejected && !own.length && parsed) return parsed;
    const code = rejected?.code === 'PROCEDURE_UNSAFE' ? 'PROCEDURE_UNSAFE' : 'PROCEDURE_INVALID';
    throw new DefinitionRejected(code, fileName, [...earlier, ...own], catalog);
  }

  /** Send tasks that would mail ticket data to an address neither in the directory nor an allowed domain. */
  private recipientIssues(catalog: ProcedureCatalog): FieldIssue[] {
    const { mailPolicy } = this.deps;
    if (!mailPolicy) return [];
    return Object.values(catalog.sendTasks).flatMap(
      (task) => sendTaskRecipientIssue(mailPolicy, task.id, task.to) ?? [],
    );
  }

  private calendarIssues(catalog: ProcedureCatalog): FieldIssue[] {
    const { calendars } = this.deps;
    if (!calendars) return [];
    // The desk's own calendar (process property `calendar`, docs/adr/0030) must exist too.
    const desk =
      catalog.calendar !== undefined && !calendars.has(catalog.calendar)
        ? [
            {
              path: catalog.processId,
              reason: 'calendar-missing',
              message: `process <${catalog.processId}> uses calendar <${catalog.calendar}>, which is not in config/calendars/`,
            },
          ]
        : [];
    return [
      ...desk,
      ...Object.values(catalog.timers)
        .filter((timer) => timer.calendar !== undefined && !calendars.has(timer.calendar))
        .map((timer) => ({
          path: timer.id,
          reason: 'calendar-missing',
          message: `timer <${timer.id}> uses calendar <${timer.calendar}>, which is not in config/calendars/`,
        })),
    ];
  }

  /** Saves each generated form as its next version (unchanged ones are not saved again). */
  private async registerGeneratedForms(catalog: ProcedureCatalog, actor: Actor): Promise<void> {
    const { generatedForms } = this.deps;
    if (!generatedForms) return;
    for (const [formKey, json] of Object.entries(catalog.generatedForms ?? {})) {
      await generatedForms.save(formKey, json, actor, 'file');
    }
  }

  /** Forms named in the catalog that are not in forms/; `skip` = element ids whose key is already refused. */
  private async formIssues(catalog: ProcedureCatalog, skip: ReadonlySet<string>): Promise<FieldIssue[]> {
    const keys = [
      // Named by the start event's id (StartEvent_1 in Camunda Modeler), so the modeler marks it.
      ...(catalog.startFormKey
        ? [{ path: catalog.startFormElement ?? 'start', formKey: catalog.startFormKey }]
        : []),
      ...(catalog.portalForm ? [{ path: 'portalForm', formKey: catalog.portalForm }] : []),
      ...Object.values(catalog.userTasks).flatMap((task) =>
        task.formKey ? [{ path: task.id, formKey: task.formKey }] : [],
      ),
    ].filter(({ path }) => !skip.has(path));
    const missing: FieldIssue[] = [];
    // Generated forms are registered by the deploy itself (ADR 0031).
    const generated = this.deps.generatedForms ? (catalog.generatedForms ?? {}) : {};
    for (const { path, formKey } of keys) {
      if (formKey in generated) continue;
      const found = await this.formFound(formKey, path);
      if (found === true) continue;
      missing.push(
        found || {
          path,
          reason: 'form-missing',
          message: `<${path}> uses form <${formKey}>, which is not in forms/`,
        },
      );
    }
    return missing;
  }

  /**
   * Whether the form exists; a form file that is not a valid form (FORM_INVALID, read on first
   * use) is a finding on the element naming it, not a 500 of the deploy (2026-11-29).
   */
  private async formFound(formKey: string, path: string): Promise<boolean | FieldIssue> {
    try {
      return await this.deps.forms.exists(formKey);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'FORM_INVALID') throw error;
      return {
        path,
        reason: 'form-invalid',
        message: `<${path}> uses form <${formKey}>, which is not a valid form: ${error.message}`.slice(
          0,
          500,
        ),
      };
    }
  }
}
