import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError, type FieldIssue } from '../domain/errors.js';
import type { ProcedureVersion } from '../domain/procedure.js';
import type { DefinitionParser, DefinitionRepository, FormValidator } from './ports.js';

const PROCEDURE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Versions kept in memory; far more than a desk runs at once, and cleared wholesale when full. */
const VERSION_CACHE_SIZE = 500;

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
    const parsed = await this.deps.parser.parse(xml, procedureId, fileName);
    await this.checkForms(parsed.catalog, fileName);
    this.checkCalendars(parsed.catalog, fileName);
    const latest = await this.deps.definitions.findLatest(procedureId);
    if (latest && latest.contentHash === parsed.contentHash) return { version: latest, created: false };
    const number = (latest?.version ?? 0) + 1;
    const version: ProcedureVersion = {
      id: `${procedureId}@${number}`,
      procedureId,
      version: number,
      contentHash: parsed.contentHash,
      xml,
      catalog: parsed.catalog,
      warnings: parsed.warnings,
      deployedAt: this.deps.clock.now(),
      deployedBy: actor.id,
    };
    await this.deps.definitions.insert(version);
    return { version, created: true };
  }

  /** The current version of a procedure, or PROCEDURE_NOT_FOUND. */
  async current(procedureId: string): Promise<ProcedureVersion> {
    const version = await this.deps.definitions.findLatest(procedureId);
    if (!version) throw new AppError('PROCEDURE_NOT_FOUND', `procedure <${procedureId}> not found`);
    return version;
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

  list(): Promise<ProcedureVersion[]> {
    return this.deps.definitions.listLatest();
  }

  versions(procedureId: string) {
    return this.deps.definitions.listVersions(procedureId);
  }

  private checkCalendars(catalog: ProcedureVersion['catalog'], fileName: string): void {
    const { calendars } = this.deps;
    if (!calendars) return;
    const unknown: FieldIssue[] = Object.values(catalog.timers)
      .filter((timer) => timer.calendar !== undefined && !calendars.has(timer.calendar))
      .map((timer) => ({
        path: timer.id,
        reason: 'calendar-missing',
        message: `timer <${timer.id}> uses calendar <${timer.calendar}>, which is not in config/calendars/`,
      }));
    if (unknown.length) {
      const message = `${fileName}: ${unknown.map((issue) => issue.message).join('; ')}`;
      throw new AppError('PROCEDURE_INVALID', message, unknown);
    }
  }

  private async checkForms(catalog: ProcedureVersion['catalog'], fileName: string): Promise<void> {
    const keys = [
      ...(catalog.startFormKey ? [{ path: 'start', formKey: catalog.startFormKey }] : []),
      ...Object.values(catalog.userTasks).flatMap((task) =>
        task.formKey ? [{ path: task.id, formKey: task.formKey }] : [],
      ),
    ];
    const missing: FieldIssue[] = [];
    for (const { path, formKey } of keys) {
      if (!(await this.deps.forms.exists(formKey))) {
        missing.push({
          path,
          reason: 'form-missing',
          message: `<${path}> uses form <${formKey}>, which is not in forms/`,
        });
      }
    }
    if (missing.length) {
      throw new AppError(
        'PROCEDURE_INVALID',
        `${fileName}: ${missing.map((issue) => issue.message).join('; ')}`,
        missing,
      );
    }
  }
}
