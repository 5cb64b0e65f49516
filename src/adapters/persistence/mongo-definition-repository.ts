import { AppError } from '../../domain/errors.js';
import type { ProcedureVersion } from '../../domain/procedure.js';
import type { DefinitionRepository } from '../../app/ports.js';
import { isDuplicateKey, type Models } from './models.js';
import { fromDoc } from './mongo-instance-store.js';

/** Procedure versions; `(procedureId, version)` is unique, so two deploys cannot take one number. */
export class MongoDefinitionRepository implements DefinitionRepository {
  constructor(private readonly models: Models) {}

  async findById(id: string): Promise<ProcedureVersion | null> {
    const doc = await this.models.definitions.findById(id).lean();
    return doc ? fromDoc<ProcedureVersion>(doc) : null;
  }

  async findLatest(procedureId: string): Promise<ProcedureVersion | null> {
    const doc = await this.models.definitions.findOne({ procedureId }).sort({ version: -1 }).lean();
    return doc ? fromDoc<ProcedureVersion>(doc) : null;
  }

  async listLatest(): Promise<ProcedureVersion[]> {
    const docs = await this.models.definitions
      .find({}, { xml: 0 })
      .sort({ procedureId: 1, version: -1 })
      .lean();
    const latest = new Map<string, ProcedureVersion>();
    for (const doc of docs) {
      const version = fromDoc<ProcedureVersion>(doc);
      if (!latest.has(version.procedureId)) latest.set(version.procedureId, version);
    }
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
}
