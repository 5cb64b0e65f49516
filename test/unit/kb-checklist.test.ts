import { readFile } from 'node:fs/promises';
import { FileChecklistCatalog } from '../../src/adapters/kb/file-checklists.js';
import { checklistTicks, parseChecklistFile, type Checklist } from '../../src/domain/kb/checklist.js';
import { isAppError, type AppError } from '../../src/domain/errors.js';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const VALID = {
  procedureId: 'tuscan-gp-helpdesk',
  checklists: [
    {
      id: 'smart-card',
      agreedWith: 'AS',
      activityIds: ['task-resolve-checklist'],
      title: { it: 'Smart card', en: 'Smart card' },
      items: [
        { id: 'reader', label: { it: 'Lettore riconosciuto', en: 'Reader recognised' } },
        { id: 'pin', label: { it: 'PIN non bloccato' } },
      ],
    },
  ],
};

describe('knowledge base: checklists', () => {
  test('given the checklists shipped in config/, when parsed, then every one is valid and attached to the Tuscan resolve step', async () => {
    const json = JSON.parse(await readFile('config/checklists/tuscan-gp-helpdesk.json', 'utf8'));

    const checklists = parseChecklistFile(json, 'tuscan-gp-helpdesk', 'tuscan-gp-helpdesk.json');

    expect(checklists.map((c) => c.agreedWith)).toEqual(['RT', 'AS', 'ESTAR']);
    expect(checklists.every((c) => c.activityIds.includes('task-resolve-checklist'))).toBe(true);
  });

  test('given a file for another procedure, duplicate ids and an item without label, then one error names each element', () => {
    const bad = {
      procedureId: 'cita-report',
      checklists: [
        {
          ...VALID.checklists[0],
          items: [{ id: 'a', label: { it: 'x' } }, { id: 'a', label: { it: 'y' } }, { id: 'b' }],
        },
        { ...VALID.checklists[0] },
      ],
    };

    const error = failure(() => parseChecklistFile(bad, 'tuscan-gp-helpdesk', 'tuscan-gp-helpdesk.json'));

    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('tuscan-gp-helpdesk.json');
    expect(error.details.map((d) => `${d.path}:${d.reason}`)).toEqual([
      'procedureId:mismatch',
      'checklists[0].items[1].id:duplicate',
      'checklists[0].items[2].label:format',
      'checklists[1].id:duplicate',
    ]);
  });

  test('given a checklist without steps or items, or with a bad id, then it is refused', () => {
    const bad = {
      procedureId: 'p',
      checklists: [{ id: 'Bad Id!', title: { it: 't' }, activityIds: [], items: [] }],
    };

    const error = failure(() => parseChecklistFile(bad, 'p', 'p.json'));

    expect(error.details.map((d) => d.path)).toEqual([
      'checklists[0].id',
      'checklists[0].activityIds',
      'checklists[0].items',
    ]);
  });

  test('given ticked items, when a completion records them, then each stores which item, its label, who and when (duplicates once)', () => {
    const offered = parseChecklistFile(VALID, 'tuscan-gp-helpdesk', 'f.json');
    const at = new Date('2026-03-12T10:02:00Z');

    const ticks = checklistTicks(offered, ['smart-card/pin', 'smart-card/reader', 'smart-card/pin'], {
      userId: 'operatore1',
      at,
      language: 'en',
    });

    expect(ticks).toEqual([
      {
        checklistId: 'smart-card',
        itemId: 'pin',
        label: 'PIN non bloccato',
        checkedBy: 'operatore1',
        checkedAt: at.toISOString(),
      },
      {
        checklistId: 'smart-card',
        itemId: 'reader',
        label: 'Reader recognised',
        checkedBy: 'operatore1',
        checkedAt: at.toISOString(),
      },
    ]);
  });

  test('given a tick of an item the step does not offer, then the completion is refused on the checklistUsed field', () => {
    const offered: Checklist[] = parseChecklistFile(VALID, 'tuscan-gp-helpdesk', 'f.json');

    const error = failure(() =>
      checklistTicks(offered, ['smart-card/forged'], { userId: 'u', at: new Date(0), language: 'it' }),
    );

    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0]).toMatchObject({ path: 'checklistUsed', reason: 'unknown-item' });
  });

  test('given more ticks than the step has items, then the list is refused without walking all of it', () => {
    const offered = parseChecklistFile(VALID, 'tuscan-gp-helpdesk', 'f.json');
    const flood = Array.from({ length: 10_000 }, (_, i) => `smart-card/x${i}`);

    expect(
      failure(() => checklistTicks(offered, flood, { userId: 'u', at: new Date(0), language: 'it' })).code,
    ).toBe('VALIDATION_FAILED');
  });
});

describe('knowledge base: checklist files', () => {
  test('given the repository config, when loaded, then the Tuscan resolve step offers its three checklists and other steps none', async () => {
    const catalog = await FileChecklistCatalog.load('config/checklists');

    expect(catalog.forStep('tuscan-gp-helpdesk', 'task-resolve-checklist').map((c) => c.id)).toEqual([
      'inps-sick-leave',
      'smart-card',
      'fse-estar',
    ]);
    expect(catalog.forStep('tuscan-gp-helpdesk', 'task-escalate')).toEqual([]);
  });

  test('given no checklist folder, then there are no checklists', async () => {
    const catalog = await FileChecklistCatalog.load('test/fixtures/kb/no-such-folder');

    expect(catalog.forStep('tuscan-gp-helpdesk', 'task-resolve-checklist')).toEqual([]);
  });

  test.each([
    ['checklists-broken-json', /checklists-broken-json\/complaints\.json is not valid JSON/],
    [
      'checklists-bad-item',
      /checklists-bad-item\/complaints\.json: checklists\[0\]\.items\[1\]\.id item <minutes> is listed twice/,
    ],
  ])(
    'given the broken fixture %s, when loaded, then the error names the file and the element',
    async (folder, message) => {
      await expect(FileChecklistCatalog.load(`test/fixtures/kb/${folder}`)).rejects.toThrow(message);
    },
  );
});
