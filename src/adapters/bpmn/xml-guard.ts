import { AppError, type ErrorCode, type FieldIssue } from '../../domain/errors.js';
import { scanXml } from './xml-depth.js';

/** Largest BPMN file accepted by default (5 MiB, counted in UTF-8 bytes). */
export const MAX_BPMN_BYTES = 5 * 1024 * 1024;
/** Deepest element nesting accepted by default; real BPMN files stay well under 30. */
export const MAX_XML_DEPTH = 200;
/** Most elements accepted by default: 20 times the largest shipped procedure (about 500, diagram included). */
export const MAX_XML_ELEMENTS = 10_000;

/** Shape caps of {@link guardXml}. */
export interface XmlShapeLimits {
  /** Deepest element nesting (default {@link MAX_XML_DEPTH}). */
  readonly maxDepth?: number;
  /** Most elements, which bounds the parse and lint time (default {@link MAX_XML_ELEMENTS}). */
  readonly maxElements?: number;
}
/** Most processing instructions listed in one refusal. */
const MAX_LISTED = 20;

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
 * - a declared encoding other than UTF-8 → `PROCEDURE_INVALID`;
 * - elements nested deeper than `maxDepth`, or more than `maxElements` elements →
 *   `PROCEDURE_UNSAFE` (one linear scan, before any parser or tree walk can recurse
 *   that deep or spend seconds on a huge tree).
 *
 * Empty and oversized files are refused at once; otherwise every other finding is
 * listed in one error (`PROCEDURE_UNSAFE` when any of them is unsafe).
 * The check is textual and deliberately conservative: a `<!DOCTYPE` inside a
 * comment is refused too. Messages start with the file name; `details[].path` is
 * `line:column` (1-based) of the offending construct, or the file name for
 * whole-file problems.
 */
export function guardXml(
  text: string,
  fileName: string,
  maxBytes: number = MAX_BPMN_BYTES,
  { maxDepth = MAX_XML_DEPTH, maxElements = MAX_XML_ELEMENTS }: XmlShapeLimits = {},
): void {
  if (text.trim() === '' || text === BOM) {
    fail(fileName, [finding(false, { path: fileName, reason: 'empty', message: 'the file is empty' })]);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    fail(fileName, [
      finding(true, {
        path: fileName,
        reason: 'too-large',
        message: `${bytes} bytes is over the ${maxBytes}-byte limit`,
      }),
    ]);
  }
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const found = [...declarationIssues(body), ...shapeIssues(body, fileName, maxDepth, maxElements)];
  if (found.length) fail(fileName, found);
}

interface Found {
  readonly unsafe: boolean;
  readonly issue: FieldIssue;
}

function finding(isUnsafe: boolean, issue: FieldIssue): Found {
  return { unsafe: isUnsafe, issue };
}

function declarationIssues(body: string): Found[] {
  const found: Found[] = [];
  const dtd = DTD.exec(body);
  if (dtd) {
    found.push(
      finding(true, {
        path: position(body, dtd.index),
        reason: 'dtd',
        message: `<!${dtd[1]}> found: DOCTYPE/ENTITY declarations are not allowed (XXE / entity expansion); BPMN never needs a DTD`,
      }),
    );
  }
  const declaration = DECLARATION.exec(body);
  for (const instruction of body.matchAll(PROCESSING_INSTRUCTION)) {
    if (instruction.index === 0 && declaration) continue;
    const target = instruction[1] ?? '';
    found.push(
      finding(true, {
        path: position(body, instruction.index),
        reason: 'processing-instruction',
        message:
          target.toLowerCase() === 'xml'
            ? 'the <?xml ...?> declaration may only appear once, at the very start of the file'
            : `processing instruction <?${target}?> is not allowed; only the leading <?xml ...?> declaration is`,
      }),
    );
    if (found.length >= MAX_LISTED) break;
  }
  const encoding = declaration ? ENCODING.exec(declaration[0])?.[1] : undefined;
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    found.push(
      finding(false, {
        path: '1:1',
        reason: 'encoding',
        message: `encoding "${encoding}" is not supported; save the file as UTF-8`,
      }),
    );
  }
  return found;
}

function shapeIssues(body: string, fileName: string, maxDepth: number, maxElements: number): Found[] {
  const { tooDeepAt, elements } = scanXml(body, maxDepth);
  if (tooDeepAt !== undefined) {
    return [
      finding(true, {
        path: position(body, tooDeepAt),
        reason: 'too-deep',
        message: `elements are nested deeper than ${maxDepth} levels; BPMN needs far fewer`,
      }),
    ];
  }
  if (elements <= maxElements) return [];
  return [
    finding(true, {
      path: fileName,
      reason: 'too-many-elements',
      message: `${elements} XML elements is over the limit of ${maxElements}; split the procedure`,
    }),
  ];
}

/** 1-based `line:column` of a character index, as used in `FieldIssue.path` for XML problems. */
export function position(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return `${line}:${column}`;
}

function fail(fileName: string, found: readonly Found[]): never {
  const code: ErrorCode = found.some((item) => item.unsafe) ? 'PROCEDURE_UNSAFE' : 'PROCEDURE_INVALID';
  const issues = found.map((item) => item.issue);
  const where = (issue: FieldIssue) => (issue.path === fileName ? fileName : `${fileName}:${issue.path}`);
  throw new AppError(code, issues.map((issue) => `${where(issue)}: ${issue.message}`).join('; '), issues);
}
