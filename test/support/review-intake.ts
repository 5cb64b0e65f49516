/**
 * The start form data of a review-request ticket (test/fixtures/processes/review-request.bpmn),
 * taken by phone: what tests and benches open most of their tickets with.
 */
export const REVIEW_INTAKE = {
  requesterName: 'Ana',
  requesterEmail: 'ana@example.org',
  phone: '555 123 4567',
  channel: 'phone',
} as const;
