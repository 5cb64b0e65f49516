import type { ErrorCode, FieldIssue } from '../../domain/errors.js';
import type { EngineAction, EngineDefinition, RunOutcome } from '../../app/procedure-engine.js';

/** One engine step sent to the engine thread. */
export type WorkerRequest =
  | {
      readonly id: number;
      readonly method: 'start';
      readonly definition: EngineDefinition;
      readonly variables: Record<string, unknown>;
    }
  | {
      readonly id: number;
      readonly method: 'resume';
      readonly definition: EngineDefinition;
      readonly engineState: unknown;
      readonly action: EngineAction;
    };

/** Its answer: the outcome, or the error the step threw (AppErrors keep code and details). */
export type WorkerReply =
  | { readonly id: number; readonly outcome: RunOutcome }
  | {
      readonly id: number;
      readonly error: {
        readonly code?: ErrorCode;
        readonly message: string;
        readonly details?: FieldIssue[];
      };
    };
