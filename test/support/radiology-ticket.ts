import type { TestApp } from './harness.js';
import { Scenario } from './scenario.js';

/**
 * A radiology-support ticket (seed 000) opened by phone whose first step, identifying the
 * requester, is done: it has passed one step and waits at the next.
 */
export async function radiologyTicketPastIdentification(app: TestApp): Promise<Scenario> {
  const ticket = await Scenario.start(app, 'radiology-support', 'radL1', {
    channel: 'phone',
    requesterName: 'TM Carolina Soto',
    description: 'No carga el visor de imágenes en el PACS',
  });
  await ticket.complete('task-identify-requester', 'radL1', {
    requesterName: 'TM Carolina Soto',
    registeredUser: true,
  });
  return ticket;
}
