import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BpmnDefinitionParser } from '../../../src/adapters/bpmn/definition-parser.js';
import type { FieldIssue } from '../../../src/domain/errors.js';

const ROOT = path.resolve('.');

/** Every BPMN file under a folder, recursively. */
function bpmnFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return bpmnFiles(file);
    return name.endsWith('.bpmn') ? [file] : [];
  });
}

function explanations(language: string): Record<string, string> {
  const file = path.join(ROOT, 'templates', 'i18n', language, 'issues.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { explain: Record<string, string> }).explain;
}

/** The refusals and warnings the deploy gate gives for one file. */
async function findings(parser: BpmnDefinitionParser, file: string): Promise<readonly FieldIssue[]> {
  try {
    return (await parser.parse(readFileSync(file, 'utf8'), 'p', path.basename(file))).warnings;
  } catch (error) {
    return ((error as { details?: FieldIssue[] }).details ?? []).slice();
  }
}

describe('deploy findings are explained in the user language', () => {
  test('given the three languages, then each explains the same reasons, none empty', () => {
    const [es, it, en] = ['es', 'it', 'en'].map(explanations);

    expect(Object.keys(es!).sort()).toEqual(Object.keys(en!).sort());
    expect(Object.keys(it!).sort()).toEqual(Object.keys(en!).sort());
    for (const text of [...Object.values(es!), ...Object.values(it!), ...Object.values(en!)]) {
      expect(text.trim().length).toBeGreaterThan(10);
    }
  });

  test('given every broken and compatibility diagram of the fixtures, when deployed, then each finding reason has an explanation', async () => {
    const parser = new BpmnDefinitionParser();
    const explained = new Set(Object.keys(explanations('en')));
    const files = ['bad', 'compat', 'bpmn', 'bpmn-semantics'].flatMap((dir) =>
      bpmnFiles(path.join(ROOT, 'test', 'fixtures', dir)),
    );

    const unexplained = new Map<string, string>();
    for (const file of files) {
      for (const issue of await findings(parser, file)) {
        if (!explained.has(issue.reason)) unexplained.set(issue.reason, issue.message);
      }
    }

    expect(files.length).toBeGreaterThan(50);
    expect(Object.fromEntries(unexplained)).toEqual({});
  }, 120_000);
});
