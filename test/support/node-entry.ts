/** Entry points the global setup bundles (test-bundles.js) that tests run as child processes. */
type ProcessEntry = 'app-process' | 'admin' | 'hanging-timer-process';

const SOURCES: Readonly<Record<ProcessEntry, string>> = {
  'app-process': 'test/support/app-process.ts',
  admin: 'scripts/admin.ts',
  'hanging-timer-process': 'test/support/hanging-timer-process.ts',
};

/**
 * The node arguments that run one of the repository's TypeScript entry points in a child process:
 * its bundle when the global setup built one (Jest runs), else its source through tsx.
 */
export function nodeEntry(entry: ProcessEntry): string[] {
  const built = process.env.HELPDESK_TEST_BUNDLES
    ? (JSON.parse(process.env.HELPDESK_TEST_BUNDLES) as Record<string, string>)[entry]
    : undefined;
  return built ? [built] : ['--import', 'tsx', SOURCES[entry]];
}
