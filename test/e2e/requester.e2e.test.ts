import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { FIXTURES } from '../support/harness.js';
import { startRequesterWorld, type RequesterWorld } from '../integration/requester/requester-world.js';

/** Browser steps are slower than HTTP ones, on a shared two-core machine even more. */
const SLOW = 60_000;

describe('requester follows a ticket in a real browser', () => {
  let world: RequesterWorld;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    world = await startRequesterWorld();
    browser = await launchBrowser();
    page = await browser.newPage();
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  }, SLOW);

  async function completeOpenTask(instanceId: string) {
    const view = await world.app.call('supervisor', 'GET', `/api/instances/${instanceId}`);
    const taskId = view.body.instance.openTaskIds[0] as string;
    expect((await world.app.call('agentL1', 'POST', `/api/tasks/${taskId}/complete`, {})).status).toBe(200);
  }

  test(
    'given the acknowledgement mail, when the requester opens its link, adds information and answers the survey, then the ticket resumes and the answer is stored',
    async () => {
      const ticket = await world.open('eva@example.org');
      const ack = await world.mail('eva@example.org', ticket.businessKey);
      await completeOpenTask(ticket.id); // the ticket now waits for the requester

      await page.goto(`${world.app.app.url}${world.linkIn(ack, 'r')}`);
      await page.waitForSelector('#rq-waiting');
      expect(await page.textContent('#rq-status')).toContain('In progress');
      await page.fill('#rq-body', 'Serial number 12345');
      await page.setInputFiles('#rq-files', path.join(FIXTURES, 'conversation/notes.txt'));
      await Promise.all([page.waitForURL(/added=1&resumed=1/), page.click('#rq-send')]);
      await page.waitForSelector('#rq-added');
      expect(await page.textContent('.rq-history')).toContain('Serial number 12345');
      expect(await page.textContent('.rq-files')).toContain('notes.txt');

      const before = world.sink.received.length;
      await completeOpenTask(ticket.id); // close: the survey is mailed
      const survey = await world.mail('eva@example.org', 'Satisfaction survey', before);
      await page.goto(`${world.app.app.url}${world.linkIn(survey, 's')}`);
      await page.check('input[name="rating"][value="5"]');
      await page.fill('#rq-comment', 'Very helpful');
      await Promise.all([page.waitForLoadState('domcontentloaded'), page.click('#rq-survey-send')]);
      await page.waitForSelector('#rq-thanks');

      const view = await world.app.call('supervisor', 'GET', `/api/instances/${ticket.id}`);
      const answered = (view.body.events as { type: string; data: unknown }[]).find(
        (e) => e.type === 'survey.answered',
      );
      expect(answered?.data).toEqual({ rating: 5, comment: 'Very helpful', via: 'link' });
    },
    SLOW,
  );

  test(
    'given a requester without an account, when they open a ticket on the portal, confirm it from the mail, add information with a file from the tracking link and answer the survey, then the procedure resumes and the answer is stored',
    async () => {
      const email = 'pia@example.org';
      const url = world.app.app.url;
      await page.goto(`${url}/portal?lang=en`);
      await page.click('a[data-procedure-id="requester-track"]');
      await page.fill('#field-requesterName', 'Pia');
      await page.fill('#field-requesterEmail', email);
      await page.fill('#field-description', 'The label printer of ward 3 jams');
      await page.click('#portal-submit');
      await page.waitForSelector('#portal-sent');

      const confirm = await world.mail(email, 'Confirm your request');
      const confirmPath = /\/portal\/confirm\/[A-Za-z0-9_-]{43}/.exec(confirm.body)?.[0];
      expect(confirmPath).toBeDefined();
      await page.goto(`${url}${confirmPath}`);
      await page.click('#portal-confirm-button');
      await page.waitForSelector('#portal-ticket-number');
      const number = ((await page.textContent('#portal-ticket-number')) ?? '').trim();
      expect(number).toMatch(/^RQ-\d{4}-\d+$/);

      const ack = await world.mail(email, number);
      const list = await world.app.call('supervisor', 'GET', '/api/instances?procedureId=requester-track');
      const ticket = (list.body as { id: string; startedBy: string }[]).find(
        (t) => t.startedBy === `requester:${email}`,
      );
      if (!ticket) throw new Error('the portal opened no ticket');
      await completeOpenTask(ticket.id); // the agent reviews: the ticket waits for the requester

      await page.goto(`${url}${world.linkIn(ack, 'r')}`);
      await page.waitForSelector('#rq-waiting');
      await page.fill('#rq-body', 'It jams on the second label');
      await page.setInputFiles('#rq-files', path.join(FIXTURES, 'conversation/pixel.png'));
      await Promise.all([page.waitForURL(/added=1&resumed=1/), page.click('#rq-send')]);
      expect(await page.textContent('.rq-files')).toContain('pixel.png');

      const before = world.sink.received.length;
      await completeOpenTask(ticket.id); // the agent closes: the survey link is mailed
      const survey = await world.mail(email, 'Satisfaction survey', before);
      await page.goto(`${url}${world.linkIn(survey, 's')}`);
      await page.check('input[name="rating"][value="4"]');
      await page.fill('#rq-comment', 'Quick and clear');
      await Promise.all([page.waitForLoadState('domcontentloaded'), page.click('#rq-survey-send')]);
      await page.waitForSelector('#rq-thanks');

      const view = await world.app.call('supervisor', 'GET', `/api/instances/${ticket.id}`);
      expect(view.body.instance.variables).toMatchObject({ channel: 'portal', requesterLanguage: 'en' });
      const events = view.body.events as { type: string; data: unknown }[];
      expect(events.map((e) => e.type)).toContain('conversation.requester');
      expect(events.find((e) => e.type === 'survey.answered')?.data).toEqual({
        rating: 4,
        comment: 'Quick and clear',
        via: 'link',
      });
    },
    SLOW,
  );
});
