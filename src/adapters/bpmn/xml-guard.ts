import { AppError, type ErrorCode, type FieldIssue } from '../../domain/errors.js';

/** Largest BPMN file accepted by default (5 MiB, counted in UTF-8 bytes). */
export const MAX_BPMN_BYTES = 5 * 1024 * 1024;

const BOM = '\uFEFF';
const DTD = /<!(DOCTYPE|ENTITY)/i;
const PROCESSING_INSTRUCTION = /<\?([^\s?>]*)/g;
const DECLARATION = /^<\?xml\s[^>]*?\?>/;
const ENCODING = /\bencoding\s*=\s*["']([^"']*)["']/;

/**
 * Rejects XML that could attack or confuse the parser before it is parsed.
 * BPMN never needs a DTD, entities or processing instructions, so they are refused
 * outright instead of being configured away in the parser:
 * - empty input → `PROCEDURE_INVALID`;
 * - more than `maxBytes` UTF-8 bytes → `PROCEDURE_UNSAFE` (resource exhaustion);
 * - any `<!DOCTYPE` / `<!ENTITY` → `PROCEDURE_UNSAFE` (XXE, billion laughs);
 * - any `<?…?>` other than a leading `<?xml …?>` declaration → `PROCEDURE_UNSAFE`;
 * - a declared encoding other than UTF-8 → `PROCEDURE_INVALID`.
 *
 * The check is textual and deliberately conservative: a `<!DOCTYPE` inside a
 * comment is refused too. Messages start with the file name; `details[].path` is
 * `line:column` (1-based) of the offending construct, or the file name for
 * whole-file problems.
 */
export function guardXml(text: string, fileName: string, maxBytes: number = MAX_BPMN_BYTES): void {
  if (text.trim() === '' || text === BOM) {
    fail('PROCEDURE_INVALID', fileName, { path: fileName, reason: 'empty', message: 'the file is empty' });
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    fail('PROCEDURE_UNSAFE', fileName, {
      path: fileName,
      reason: 'too-large',
      message: `${bytes} bytes is over the ${maxBytes}-byte limit`,
    });
  }
  const body = text.startsWith(BOM) ? text.slice(1) : text;

  const dtd = DTD.exec(body);
  if (dtd) {
    fail('PROCEDURE_UNSAFE', fileName, {
      path: position(body, dtd.index),
      reason: 'dtd',
      message: `<!${dtd[1]}> found: DOCTYPE/ENTITY declarations are not allowed (XXE / entity expansion); BPMN never needs a DTD`,
    });
  }

  const declaration = DECLARATION.exec(body);
  for (const instruction of body.matchAll(PROCESSING_INSTRUCTION)) {
    if (instruction.index === 0 && declaration) continue;
    const target = instruction[1] ?? '';
    fail('PROCEDURE_UNSAFE', fileName, {
      path: position(body, instruction.index),
      reason: 'processing-instruction',
      message:
        target.toLowerCase() === 'xml'
          ? 'the <?xml ...?> declaration may only appear once, at the very start of the file'
          : `processing instruction <?${target}?> is not allowed; only the leading <?xml ...?> declaration is`,
    });
  }

  const encoding = declaration ? ENCODING.exec(declaration[0])?.[1] : undefined;
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    fail('PROCEDURE_INVALID', fileName, {
      path: '1:1',
      reason: 'encoding',
      message: `encoding "${encoding}" is not supported; save the file as UTF-8`,
    });
  }
}

/** 1-based `line:column` of a character index, as used in `FieldIssue.path` for XML problems. */
export function position(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return `${line}:${column}`;
}

function fail(code: ErrorCode, fileName: string, issue: FieldIssue): never {
  const where = issue.path === fileName ? fileName : `${fileName}:${issue.path}`;
  throw new AppError(code, `${where}: ${issue.message}`, [issue]);
}
