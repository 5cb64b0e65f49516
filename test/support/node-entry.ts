/** Entry points the global setup bundles (test-bundles.js) that tests run as child processes. */
type ProcessEntry = 'app-process' | 'admin' | 'hanging-timer-process';

/**
 * The node arguments that run one of the repository's TypeScript entry points in a child process:
 * the bundle Jest's global setup built from the current sources (test-bundles.js lists them).
 */
export function nodeEntry(entry: ProcessEntry): string[] {
  const built = process.env.HELPDESK_TEST_BUNDLES
    ? (JSON.parse(process.env.HELPDESK_TEST_BUNDLES) as Record<string, string>)[entry]
    : undefined;
  if (!built)
    throw new Error(`no bundle of <${entry}>: run the tests through Jest, whose global setup builds it`);
  return [built];
}
