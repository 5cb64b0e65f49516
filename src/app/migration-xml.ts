import { Parser } from 'saxen';
import type { ProcedureVersion } from '../domain/procedure.js';
import { RecentById } from './recent-by-id.js';

/** What a migration reads from a version's BPMN text besides its catalog (ADR 0031). */
export interface MigrationXml {
  /** The `id` of the first `definitions` element (the root of a BPMN file). */
  readonly definitionsId: string | undefined;
  /** Each sequence flow's `targetRef`, by flow id (the first flow of an id wins). */
  readonly flowTargets: ReadonlyMap<string, string>;
  /** Ids of the parallel and inclusive gateways: the joins a token can wait at. */
  readonly joins: ReadonlySet<string>;
}

/** A deployed version's id and BPMN text. */
export type VersionXml = Pick<ProcedureVersion, 'id' | 'xml'>;

/** Versions whose reading is kept: a migration reads two, a few may run at once. */
const CACHE_SIZE = 8;

const cache = new RecentById<{ readonly xml: string; readonly read: MigrationXml }>(CACHE_SIZE);

/**
 * {@link readMigrationXml} of a version, read once and kept by version id (the last
 * {@link CACHE_SIZE} versions), so a migration of many tickets reads each file once. An entry
 * only answers for the same text: a store reset that reuses the id is read again.
 */
export function migrationXmlOf(version: VersionXml): MigrationXml {
  const cached = cache.get(version.id);
  // Same reference on every ticket of a run (the definitions service caches versions): O(1).
  const read = cached && cached.xml === version.xml ? cached.read : readMigrationXml(version.xml);
  cache.set(version.id, { xml: version.xml, read });
  return read;
}

/**
 * The definitions id, sequence flow targets and joining gateways of a BPMN file, in one pass of
 * saxen (the SAX parser under moddle; linear, no backtracking regex: the file is the analyst's,
 * up to 5 MB). Comments, CDATA and processing instructions are skipped; elements match by local
 * name, whatever their prefix. Malformed text stops the pass quietly (the deploy refuses it anyway).
 */
export function readMigrationXml(xml: string): MigrationXml {
  let definitionsId: string | undefined;
  const flowTargets = new Map<string, string>();
  const joins = new Set<string>();
  const parser = new Parser();
  parser.on('openTag', (name, attributes) => {
    const localName = name.slice(name.indexOf(':') + 1);
    if (!READ.has(localName)) return;
    const { id, targetRef } = attributes();
    if (id === undefined) return;
    if (localName === 'definitions') definitionsId ??= id;
    else if (localName !== 'sequenceFlow') joins.add(id);
    else if (targetRef && !flowTargets.has(id)) flowTargets.set(id, targetRef);
  });
  parser.on('error', () => parser.stop());
  parser.parse(xml);
  return { definitionsId, flowTargets, joins };
}

/** Elements whose attributes {@link readMigrationXml} needs. */
const READ = new Set(['definitions', 'sequenceFlow', 'parallelGateway', 'inclusiveGateway']);
