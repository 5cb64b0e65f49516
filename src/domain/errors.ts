/**
 * Typed application errors with stable codes. The HTTP layer maps each code to a
 * status through one table (src/http/error-status.ts); nothing else should
 * inspect messages.
 */
export type ErrorCode =
  | 'PROCEDURE_NOT_FOUND'
  | 'PROCEDURE_INVALID'
  | 'PROCEDURE_UNSAFE'
  | 'INSTANCE_NOT_FOUND'
  | 'INSTANCE_NOT_RUNNING'
  | 'TASK_NOT_FOUND'
  | 'TASK_NOT_OPEN'
  | 'TASK_NOT_ASSIGNED_TO_YOU'
  | 'TASK_NOT_OFFERED_TO_YOU'
  | 'FORM_NOT_FOUND'
  | 'FORM_INVALID'
  | 'VALIDATION_FAILED'
  | 'EXPRESSION_INVALID'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'ENGINE_FAILURE'
  | 'DATABASE_UNAVAILABLE'
  | 'CALENDAR_NOT_FOUND'
  | 'CALENDAR_INVALID'
  | 'SLA_POLICY_INVALID'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_EXISTS'
  | 'CSRF_INVALID'
  | 'TOO_MANY_REQUESTS'
  | 'TEMPLATE_NOT_FOUND'
  | 'NOTIFICATION_FAILED'
  | 'ARTICLE_NOT_FOUND'
  | 'GROUP_NOT_FOUND'
  | 'ATTACHMENT_NOT_FOUND'
  | 'REQUESTER_NOT_FOUND'
  | 'MESSAGE_NOT_AWAITED'
  | 'LINK_INVALID'
  | 'LINK_EXPIRED'
  | 'SURVEY_ALREADY_ANSWERED';

/** One problem with one input field (form field, XML element, request property). */
export interface FieldIssue {
  /** Field key, element id or JSON path the issue is about. */
  readonly path: string;
  /** Stable, machine-readable reason, e.g. `required`, `type`, `pattern`. */
  readonly reason: string;
  /** Human readable explanation. */
  readonly message: string;
}

/** Base class of every error the application raises on purpose. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Narrowing helper for catch blocks. */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
