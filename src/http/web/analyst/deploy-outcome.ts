import type { Response } from 'express';
import type { DeployResult } from '../../../app/definitions-service.js';
import { AppError, isAppError, type FieldIssue } from '../../../domain/errors.js';
import { ERROR_STATUS } from '../../error-status.js';

/** JSON answer of a save from the modeler. */
export interface SavedBody {
  readonly version: number;
  readonly created: boolean;
  readonly warnings: readonly FieldIssue[];
}

/** Sends the result of a deploy as JSON: 201 for a new version, 200 when unchanged. */
export function sendSaved(res: Response, { version, created }: DeployResult): void {
  const body: SavedBody = { version: version.version, created, warnings: version.warnings };
  res.status(created ? 201 : 200).json(body);
}

/**
 * Sends an application error as `{ error: { code, message, details } }` with its
 * status; anything else is rethrown for the core's error page.
 */
export function sendError(res: Response, error: unknown): void {
  if (!isAppError(error)) throw error;
  res.status(ERROR_STATUS[error.code]).json({
    error: { code: error.code, message: error.message, details: error.details },
  });
}

/** The XML of a request body, or BAD_REQUEST when there is none. */
export function xmlFrom(body: unknown): string {
  const xml =
    typeof body === 'string'
      ? body
      : typeof body === 'object' && body !== null && typeof (body as { xml?: unknown }).xml === 'string'
        ? (body as { xml: string }).xml
        : '';
  if (!xml.trim()) throw new AppError('BAD_REQUEST', 'send the BPMN XML of the diagram to save');
  return xml;
}

const TITLED_CODES = new Set(['PROCEDURE_INVALID', 'PROCEDURE_UNSAFE', 'BAD_REQUEST', 'CONFLICT']);

/** A failed save as the `analyst-issues` partial shows it. */
export interface ShownError {
  readonly code: string;
  /** i18n key of the headline (one per common code, a generic one otherwise). */
  readonly titleKey: string;
  readonly message: string;
  readonly issues: readonly FieldIssue[];
}

/** The view of an application error for the `analyst-issues` partial. */
export function shownError(error: AppError): ShownError {
  const code = TITLED_CODES.has(error.code) ? error.code : 'other';
  return {
    code: error.code,
    titleKey: `analyst.issues.codes.${code}`,
    message: error.message,
    issues: error.details,
  };
}
