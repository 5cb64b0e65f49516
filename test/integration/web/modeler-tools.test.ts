import { readdirSync } from 'node:fs';
import path from 'node:path';
import { USERS, type TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

/** The modeler's tools with the analyst's web session: live condition checks and dry runs (issue 13). */
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://helpdesk.example/tools">
  <bpmn:process id="tools-desk" name="Tools desk" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="TLS" /></camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start"><bpmn:extensionElements><camunda:formData><camunda:formField id="reporter" label="Reporter" type="string" /></camunda:formData></bpmn:extensionElements></bpmn:startEvent>
    <bpmn:userTask id="check" name="Check" camunda:candidateGroups="l2"><bpmn:extensionElements><camunda:formData><camunda:formField id="broken" label="Broken" type="boolean" /></camunda:formData></bpmn:extensionElements></bpmn:userTask>
    <bpmn:exclusiveGateway id="gw" default="f-no" />
    <bpmn:userTask id="fix" name="Fix" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="gw" />
    <bpmn:sequenceFlow id="f-yes" sourceRef="gw" targetRef="fix"><bpmn:conditionExpression>\${ broken == true }</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f-no" sourceRef="gw" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="fix" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

let app: TestApp;
let analyst: WebClient;
let agent: WebClient;

describe("the modeler's tools with the analyst's web session", () => {
  beforeAll(async () => {
    app = await startWebApp();
    analyst = await webLogin(app, USERS.analyst.user);
    agent = await webLogin(app, USERS.agentL1.user);
  }, 60_000);
  afterAll(() => app?.stop());

  /** A JSON request with the session cookie and (unless `csrf: false`) its CSRF header. */
  async function json(client: WebClient, method: string, path: string, body?: unknown, csrf = true) {
    const headers: Record<string, string> = { cookie: client.cookieHeader(), accept: 'application/json' };
    if (csrf) headers['x-csrf-token'] = await client.csrfToken();
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${app.app.url}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, body: isJson && text ? JSON.parse(text) : text };
  }

  const check = (expression: unknown, client = analyst) =>
    json(client, 'POST', '/analyst/expressions/check', { expression });

  describe('live condition checks', () => {
    test('given valid conditions (or none), then the answer is ok', async () => {
      expect((await check('${ solved == true and priority != "blocking" }')).body).toEqual({ ok: true });
      expect((await check('  ${ length(items) > 2 }  ')).body).toEqual({ ok: true });
      expect((await check('')).body).toEqual({ ok: true });
    });

    test("given a syntax error, then the message is in the analyst's language and the position points into the typed text", async () => {
      const text = '${ solved == }';
      const answer = await check(text);

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ ok: false, reason: 'syntax' });
      expect(answer.body.message).toMatch(/^The condition is not valid at character \d+: /); // ana reads English
      expect(answer.body.position).toBeGreaterThanOrEqual(text.indexOf('=='));
      expect(answer.body.position).toBeLessThan(text.length);
    });

    test('given text that is not one ${ } expression, then it is refused as the deploy would', async () => {
      for (const text of ['solved == true', '${ a } and ${ b }', '${ a ']) {
        const answer = await check(text);
        expect(answer.body).toMatchObject({ ok: false, reason: 'wrap', position: 0 });
      }
      expect((await check('${ a.__proto__ }')).body).toMatchObject({ ok: false, reason: 'syntax' });
    });

    test('given no text, no CSRF token or an agent, then 400, 403 and 403', async () => {
      expect((await check(42)).status).toBe(400);
      const noCsrf = await json(
        analyst,
        'POST',
        '/analyst/expressions/check',
        { expression: '${ a }' },
        false,
      );
      expect(noCsrf.status).toBe(403);
      const byAgent = await json(agent, 'POST', '/analyst/expressions/check', { expression: '${ a }' });
      expect(byAgent.status).toBe(403);
    });
  });

  describe('dry runs from the modeler', () => {
    test('given the modeler page, then the dry run box and its strings are there', async () => {
      const page = await analyst.get('/analyst/procedures/review-request/modeler');
      expect(page.text).toContain('id="dry-run-toggle"');
      expect(page.text).toContain('id="modelertools-dry-run-strings"');
      expect(page.text).toContain('<h2 id="dry-run-title">Dry run</h2>');
    });

    test('given an unsaved diagram, when the analyst runs it with the session, completes its tasks with data and it ends, then the path follows the data', async () => {
      const started = await json(analyst, 'POST', '/analyst/dry-runs', {
        xml,
        variables: { reporter: 'Ana' },
      });
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        procedureId: expect.stringMatching(/^dryrun-/),
        status: 'running',
        variables: { reporter: 'Ana' },
        tasks: [expect.objectContaining({ activityId: 'check', candidateGroups: ['l2'] })],
      });
      const run = started.body.instanceId as string;
      const checkTask = started.body.tasks[0].id as string;

      const after = await json(
        analyst,
        'POST',
        `/analyst/dry-runs/${run}/tasks/${encodeURIComponent(checkTask)}/complete`,
        {
          broken: true,
        },
      );
      expect(after.status).toBe(200);
      expect(after.body.tasks.map((t: { activityId: string }) => t.activityId)).toEqual(['fix']);

      const read = await json(analyst, 'GET', `/analyst/dry-runs/${run}`);
      expect(read.body.tasks).toHaveLength(1);

      const discarded = await json(analyst, 'DELETE', `/analyst/dry-runs/${run}`);
      expect(discarded.status).toBe(204);
      expect((await json(analyst, 'GET', `/analyst/dry-runs/${run}`)).body).toMatchObject({
        status: 'cancelled',
        tasks: [],
      });
    }, 60_000);

    test('given a broken diagram, no CSRF token, an agent or a real ticket, then 422 with the problems, 403, 403 and 403', async () => {
      const broken = await json(analyst, 'POST', '/analyst/dry-runs', {
        xml: xml.replace('broken == true', 'broken =='),
      });
      expect(broken.status).toBe(422);
      expect(broken.body.error.details.length).toBeGreaterThan(0);
      expect((await json(analyst, 'POST', '/analyst/dry-runs', { xml }, false)).status).toBe(403);
      expect((await json(agent, 'POST', '/analyst/dry-runs', { xml })).status).toBe(403);
      const real = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', {
        requesterName: 'Dra. Pérez',
        requesterEmail: 'perez@issste.gob.mx',
        phone: '+52 55 1234 5678',
        channel: 'email',
      });
      expect((await json(analyst, 'GET', `/analyst/dry-runs/${real.body.id}`)).status).toBe(403);
    }, 60_000);
  });

  describe('lists of the panel selects (message templates, business calendars)', () => {
    const calendarFiles = readdirSync(path.resolve('config/calendars')).filter((file) =>
      file.endsWith('.json'),
    );

    test('given the analyst, then the templates are listed by id with their languages, and the calendars with their zones', async () => {
      const templates = await json(analyst, 'GET', '/analyst/templates.json', undefined, false);
      expect(templates.status).toBe(200);
      const ids = (templates.body.templates as { id: string }[]).map((template) => template.id);
      expect(ids).toEqual([...ids].sort());
      expect(templates.body.templates).toContainEqual({
        id: 'desk-assignment',
        languages: ['en', 'es', 'it'],
      });
      expect(ids).toContain('satisfaction-survey');

      const calendars = await json(analyst, 'GET', '/analyst/calendars.json', undefined, false);
      expect(calendars.status).toBe(200);
      expect(calendars.body.calendars).toHaveLength(calendarFiles.length);
      expect(calendars.body.calendars).toContainEqual({ id: 'cita-mexico', timeZone: 'America/Mexico_City' });
      expect(calendars.body.calendars).toContainEqual({ id: 'always-open', timeZone: 'Europe/Rome' });
    });

    test('given the modeler page, then its config names both lists', async () => {
      const page = await analyst.get('/analyst/procedures/review-request/modeler');
      expect(page.text).toContain('"templatesUrl":"/analyst/templates.json"');
      expect(page.text).toContain('"calendarsUrl":"/analyst/calendars.json"');
    });

    test('given an agent or no session, then 403 and a redirect to the login', async () => {
      for (const list of ['/analyst/templates.json', '/analyst/calendars.json']) {
        expect((await json(agent, 'GET', list, undefined, false)).status).toBe(403);
        const anonymous = await fetch(`${app.app.url}${list}`, { redirect: 'manual' });
        expect([302, 303]).toContain(anonymous.status);
        expect(anonymous.headers.get('location')).toMatch(/^\/login/);
      }
    });
  });
});
