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
});
