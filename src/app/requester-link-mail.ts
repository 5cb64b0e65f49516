import type { OutboxMessage } from '../domain/instance.js';
import { requesterEmailOf } from '../domain/requester-link.js';
import type { DeliveryLedger } from './notification-ports.js';
import type { RequesterLinks } from './requester-links.js';

/** Templates whose email carries a one-time survey link (`{{surveyUrl}}`). */
export const SURVEY_TEMPLATES: ReadonlySet<string> = new Set(['satisfaction-survey']);

/**
 * The delivery ledger with requester links added at delivery time (docs/adr/0025): every message
 * to `requester` gets `{{trackingUrl}}`, a survey template also `{{surveyUrl}}`. Tokens are derived
 * from the outbox message id, so each attempt of one message mails the same links and the outbox
 * never holds a token; messages to groups or addresses get no link (a link is the requester's).
 */
export function withRequesterLinks(ledger: DeliveryLedger, links: RequesterLinks): DeliveryLedger {
  return {
    listPending: (limit) => ledger.listPending(limit),
    attempts: (id) => ledger.attempts(id),
    claim: (attempt) => ledger.claim(attempt),
    recordResult: (id, attempt, result) => ledger.recordResult(id, attempt, result),
    finish: (id, outcome) => ledger.finish(id, outcome),
    async loadMessage(id) {
      const message = await ledger.loadMessage(id);
      return message ? addRequesterLinks(message, links) : message;
    },
  };
}

/**
 * The message with its requester links in `variables` (unchanged when it does not go to the
 * requester). The links carry `?lang=` with the requester's language (`RequesterLinks.languageFor`).
 */
export async function addRequesterLinks(
  message: OutboxMessage,
  links: RequesterLinks,
): Promise<OutboxMessage> {
  if (message.to?.trim() !== 'requester') return message;
  const email = requesterEmailOf(message.variables);
  if (!email) return message; // undeliverable anyway: the dispatcher says why
  const language = await links.languageFor(message.variables, email, message.language);
  const purposes = SURVEY_TEMPLATES.has(message.template)
    ? (['track', 'survey'] as const)
    : (['track'] as const);
  const [trackingUrl, surveyUrl] = await links.mintForMessage(
    purposes,
    message.id,
    message.instanceId,
    email,
    language,
  );
  return {
    ...message,
    variables: { ...message.variables, trackingUrl, ...(surveyUrl ? { surveyUrl } : {}) },
  };
}
