import { AppError } from '../../domain/errors.js';
import type { ProcedureVersion } from '../../domain/procedure.js';
import type { DefinitionRepository } from '../../app/ports.js';
import { ignoreDuplicate, isDuplicateKey, type Models } from './models.js';
import { fromDoc } from './mongo-instance-store.js';

/** The marker row of `procedure_latest` saying every procedure has its pointer (ids are kebab-case). */
const INDEXED = '#indexed';
/** Procedures listed at most (far more than a desk deploys). */
const MAX_PROCEDURES = 1000;

/** Procedure versions; `(procedureId, version)` is unique, so two deploys cannot take one number. */
export class MongoDefinitionRepository implements DefinitionRepository {
  constructor(private readonly models: Models) {}

  async findById(id: string): Promise<ProcedureVersion | null> {
    const doc = await this.models.definitions.findById(id).lean();
    return doc ? fromDoc<ProcedureVersion>(doc) : null;
  }

  /** The current version by a query on the versions (deploys use it), which also repairs the pointer. */
  async findLatest(procedureId: string): Promise<ProcedureVersion | null> {
    const doc = await this.models.definitions.findOne({ procedureId }).sort({ version: -1 }).lean();
    if (!doc) return null;
    const version = fromDoc<ProcedureVersion>(doc);
    await this.point(procedureId, version.id, version.version);
    return version;
  }

  /**
   * The `procedure_latest` pointer: one `_id` lookup for every ticket opened. A database deployed
   * before the pointer existed gets it from `findLatest` the first time it is asked.
   */
  async findLatestId(procedureId: string): Promise<string | null> {
    const pointer = await this.models.procedureLatest.findById(procedureId).lean();
    if (pointer) return String(pointer.definitionId);
    return (await this.findLatest(procedureId))?.id ?? null;
  }

  /**
   * The current version of each procedure from the `procedure_latest` pointers (one row per
   * procedure) and `_id` lookups. A database from before the pointers is indexed once by a scan
   * of its versions, which then leaves a marker row.
   */
  async listLatest(): Promise<ProcedureVersion[]> {
    const pointers = await this.models.procedureLatest.find({}).limit(MAX_PROCEDURES).lean();
    if (!pointers.some((row) => row._id === INDEXED)) return this.indexLatest();
    const versions = await Promise.all(
      pointers.filter((row) => row._id !== INDEXED).map((row) => this.findById(String(row.definitionId))),
    );
    return versions
      .filter((version): version is ProcedureVersion => version !== null)
      .map(({ xml: _xml, ...version }) => version as ProcedureVersion)
      .sort((a, b) => a.procedureId.localeCompare(b.procedureId));
  }

  private async indexLatest(): Promise<ProcedureVersion[]> {
    const docs = await this.models.definitions
      .find({}, { xml: 0 })
      .sort({ procedureId: 1, version: -1 })
      .lean();
    const latest = new Map<string, ProcedureVersion>();
    for (const doc of docs) {
      const version = fromDoc<ProcedureVersion>(doc);
      if (!latest.has(version.procedureId)) latest.set(version.procedureId, version);
    }
    for (const version of latest.values()) await this.point(version.procedureId, version.id, version.version);
    await this.point(INDEXED, INDEXED, 0);
    return [...latest.values()];
  }

  async listVersions(procedureId: string): Promise<Omit<ProcedureVersion, 'xml'>[]> {
    const docs = await this.models.definitions.find({ procedureId }, { xml: 0 }).sort({ version: -1 }).lean();
    return docs.map((doc) => fromDoc<ProcedureVersion>(doc));
  }

  async insert(version: ProcedureVersion): Promise<void> {
    const { id, ...rest } = version;
    try {
      await this.models.definitions.create({ _id: id, ...rest });
      await this.point(version.procedureId, id, version.version);
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new AppError(
          'CONFLICT',
          `procedure <${version.procedureId}> version ${version.version} was deployed concurrently`,
        );
      }
      throw error;
    }
  }

  /** Moves the pointer forward to that version (never back). A deploy that stored its version but not the pointer is repaired by the next deploy's `findLatest`. */
  private async point(procedureId: string, definitionId: string, version: number): Promise<void> {
    const current = await this.models.procedureLatest.findById(procedureId).lean();
    if (current && Number(current.version) >= version) return;
    await ignoreDuplicate(
      this.models.procedureLatest
        .replaceOne({ _id: procedureId }, { definitionId, version }, { upsert: true })
        .exec(),
    );
  }
}
