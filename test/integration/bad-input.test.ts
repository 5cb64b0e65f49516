import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/harness.js';
import { REVIEW_INTAKE } from '../support/review-intake.js';

const bad = (name: string) => readFileSync(path.join(FIXTURES, 'bad', name), 'utf8');
const intake = REVIEW_INTAKE;

describe('bad input gets a clear error and stores nothing', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  test.each([
    ['malformed.bpmn', 'PROCEDURE_INVALID', /not valid BPMN XML/],
    ['xxe.bpmn', 'PROCEDURE_UNSAFE', /DOCTYPE\/ENTITY/],
    ['billion-laughs.bpmn', 'PROCEDURE_UNSAFE', /DOCTYPE\/ENTITY/],
    ['script-task.bpmn', 'PROCEDURE_UNSAFE', /script task <run-script> is not allowed/],
    ['js-condition.bpmn', 'PROCEDURE_UNSAFE', /language "javascript" is not allowed/],
    ['bad-expression.bpmn', 'PROCEDURE_INVALID', /<f-yes>: expression "solved ==" invalid/],
    ['missing-form.bpmn', 'PROCEDURE_INVALID', /<review> uses form <no-such-form>/],
  ])(
    'given %s, when an analyst deploys it, then %s and no version is stored',
    async (file, code, message) => {
      const response = await app.call(
        'analyst',
        'PUT',
        '/api/procedures/broken-procedure',
        bad(file),
        'application/xml',
      );
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toMatch(message);
      const stored = await app.call('analyst', 'GET', '/api/procedures/broken-procedure');
      expect(stored.status).toBe(404);
    },
  );

  test('given a deployed procedure, when the same file is deployed again, then no new version; a changed file is version 2', async () => {
    const xml = readFileSync(path.join(FIXTURES, 'processes', 'review-request.bpmn'), 'utf8');
    const same = await app.call('analyst', 'PUT', '/api/procedures/review-request', xml, 'application/xml');
    expect(same).toMatchObject({ status: 200, body: { version: 1, created: false } });
    const changed = xml.replace('name="Review"', 'name="Review request"');
    const next = await app.call(
      'analyst',
      'PUT',
      '/api/procedures/review-request',
      changed,
      'application/xml',
    );
    expect(next).toMatchObject({ status: 201, body: { version: 2, created: true, deployedBy: 'ana' } });
    const versions = await app.call('analyst', 'GET', '/api/procedures/review-request/versions');
    expect(versions.body.map((v: any) => v.version)).toEqual([2, 1]);
  });

  test('given an unknown procedure, then 404 naming it', async () => {
    const response = await app.call('agentL1', 'POST', '/api/procedures/cita-unknown/instances', intake);
    expect(response).toMatchObject({
      status: 404,
      body: { error: { code: 'PROCEDURE_NOT_FOUND', message: 'procedure <cita-unknown> not found' } },
    });
  });

  test('given intake missing a phone with a bad email, then every problem is listed and no ticket is opened', async () => {
    const response = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', {
      requesterName: 'Ana',
      requesterEmail: 'not-an-email',
      channel: 'fax',
      surprise: 1,
    });
    expect(response.status).toBe(422);
    expect(response.body.error.details.map((d: any) => [d.path, d.reason])).toEqual([
      ['requesterEmail', 'email'],
      ['phone', 'required'],
      ['channel', 'option'],
      ['surprise', 'unknown-field'],
    ]);
    const list = await app.call('supervisor', 'GET', '/api/instances?procedureId=review-request');
    expect(list.body).toEqual([]);
  });

  test('given a task, when completed with a wrong data type, then 422 and the task stays open; completing a closed task is 409', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', intake);
    const view = await app.call('agentL1', 'GET', `/api/instances/${started.body.id}`);
    const review = view.body.tasks.find((t: any) => t.activityId === 'review');
    const wrong = await app.call('agentL1', 'POST', `/api/tasks/${review.id}/complete`, {
      priority: 'blocking',
      minutesSpent: 'many',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details).toEqual([
      expect.objectContaining({ path: 'minutesSpent', reason: 'type' }),
    ]);
    const again = await app.call('agentL1', 'GET', `/api/tasks/${review.id}`);
    expect(again.body.status).toBe('open');
    const ok = await app.call('agentL1', 'POST', `/api/tasks/${review.id}/complete`, {
      priority: 'blocking',
      minutesSpent: '15',
    });
    expect(ok.status).toBe(200);
    const twice = await app.call('agentL1', 'POST', `/api/tasks/${review.id}/complete`, {
      priority: 'blocking',
    });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'TASK_NOT_OPEN' } } });
  });

  test('given no token or the wrong role, then 401 / 403', async () => {
    expect((await app.call(null, 'GET', '/api/tasks')).status).toBe(401);
    const deploy = await app.call('agentL1', 'PUT', '/api/procedures/x-y', '<x/>', 'application/xml');
    expect(deploy).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await app.call('agentL1', 'GET', '/api/instances')).status).toBe(403);
    expect(
      (await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', '{bad json')).status,
    ).toBe(400);
  });
});
