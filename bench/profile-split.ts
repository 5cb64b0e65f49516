/**
 * Where a step's CPU goes, measured on the main thread with the V8 sampling profiler.
 * Each self-time sample is put in the category of the frame that ran it.
 */

/** The parts of a V8 `.cpuprofile` this reads. */
export interface CpuProfile {
  readonly nodes: readonly { id: number; callFrame: { url: string; functionName: string } }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Categories, first match wins; `idle` is the event loop waiting (the database, the engine thread). */
const CATEGORIES: readonly (readonly [string, (url: string, name: string) => boolean])[] = [
  ['idle', (_url, name) => name === '(idle)'],
  ['garbage collection', (_url, name) => name === '(garbage collector)'],
  ['MongoDB driver + BSON', (url) => /node_modules\/(mongodb|bson)\//.test(url)],
  ['mongoose', (url) => /node_modules\/(mongoose|kareem|mquery|sift|mpath)\//.test(url)],
  ['socket I/O (native)', (url, name) => !url && /write|read|Stream|handleWriteReq/.test(name)],
  ['reporting read model', (url) => /reports?[-/]/.test(url) && url.includes('/src/')],
  ['app code (src/)', (url) => url.includes('/src/')],
  ['other libraries', (url) => url.includes('node_modules/')],
];

/** Milliseconds of main-thread time per category, largest first. */
export function splitProfile(profile: CpuProfile): [string, number][] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const category = frame
      ? (CATEGORIES.find(([, test]) => test(frame.url, frame.functionName))?.[0] ?? 'node internals')
      : 'node internals';
    totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}
