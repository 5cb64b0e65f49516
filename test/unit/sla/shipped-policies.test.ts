import { readFile } from 'node:fs/promises';
import { FileCalendarRegistry } from '../../../src/adapters/calendar/file-calendar-registry.js';
import { BpmnDefinitionParser } from '../../../src/adapters/bpmn/definition-parser.js';
import { FileSlaPolicies } from '../../../src/adapters/sla/file-sla-policies.js';
import { policyIssues } from '../../../src/domain/sla/check-policy.js';
import { rejection } from '../../support/errors.js';

describe('the SLA policies shipped in config/sla', () => {
  test('given the seed procedures, then every policy loads, names a known calendar and only real activities', async () => {
    const calendars = await FileCalendarRegistry.load('config/calendars');
    const policies = await FileSlaPolicies.load('config/sla', calendars);
    const parser = new BpmnDefinitionParser();

    expect(
      policies
        .list()
        .map((p) => p.procedureId)
        .sort(),
    ).toEqual(['cita-report', 'complaints', 'radiology-support', 'tuscan-gp-helpdesk']);
    for (const policy of policies.list()) {
      const file = `${policy.procedureId}.bpmn`;
      const { catalog } = await parser.parse(
        await readFile(`processes/${file}`, 'utf8'),
        policy.procedureId,
        file,
      );
      expect(policyIssues(policy, catalog)).toEqual([]);
    }
  });

  test('given a policy on an unknown calendar, then loading refuses it naming the file', async () => {
    const calendars = { has: () => false };
    const error = await rejection(FileSlaPolicies.load('config/sla', calendars));
    expect(error).toMatchObject({ code: 'SLA_POLICY_INVALID' });
    expect(error.message).toMatch(/SLA policy \S+\.json: unknown calendar <[\w-]+>/);
  });
});
