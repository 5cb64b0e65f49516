import { AppError, type FieldIssue } from '../errors.js';

/** What an article is for: a solution, a quick guide, a FAQ entry or a glossary term. */
export type ArticleKind = 'solution' | 'guide' | 'faq' | 'glossary';
/** Languages articles are written in (the UI languages). */
export type ArticleLanguage = 'es' | 'it' | 'en';
/** Drafts are reviewed, then published; agents and the public only see published versions. */
/** `withdrawn`: unpublished by an editor; readers no longer find it, editors can publish it again. */
export type ArticleStatus = 'draft' | 'published' | 'withdrawn';

export const ARTICLE_KINDS: readonly ArticleKind[] = ['solution', 'guide', 'faq', 'glossary'];
export const ARTICLE_LANGUAGES: readonly ArticleLanguage[] = ['es', 'it', 'en'];

/** Size limits of an article (untrusted input). */
export const ARTICLE_LIMITS = {
  title: 200,
  body: 20_000,
  category: 80,
  links: 20,
  linkId: 100,
  /** Quote and list levels a body line may open (marked recurses per level: deep nesting overflows). */
  nesting: 20,
  /** Runs of `*`, `_` or `~` in a body (marked's emphasis matching is superlinear in their count). */
  emphasisRuns: 500,
} as const;

/** What an author writes; every edit stores all of it as a new version. */
export interface ArticleContent {
  readonly title: string;
  /** Markdown; rendered and sanitized for display, never trusted as HTML. */
  readonly body: string;
  readonly kind: ArticleKind;
  readonly language: ArticleLanguage;
  readonly category: string;
  /** Procedures the article helps with. */
  readonly procedureIds: readonly string[];
  /** Diagram steps (activity ids) the article helps with; they rank first on those steps' tasks. */
  readonly activityIds: readonly string[];
  /** Shown on the procedure's public FAQ page once published. */
  readonly public: boolean;
}

/** One immutable version of an article; `_id` in the store is `<articleId>:<version>`. */
export interface ArticleVersion extends ArticleContent {
  readonly articleId: string;
  readonly version: number;
  readonly status: ArticleStatus;
  readonly author: string;
  readonly createdAt: Date;
  /** The task whose solution this draft came from, if any. */
  readonly sourceTaskId?: string;
}

/** The store key of a version. */
export function versionKey(articleId: string, version: number): string {
  return `${articleId}:${version}`;
}

const ID = /^[a-z0-9][a-z0-9-]{0,79}$/;
const LINK_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** True for a well-formed article id (lowercase slug, at most 80 characters). */
export function isArticleId(value: string): boolean {
  return ID.test(value);
}

/** A new article id from its title: a slug plus a random suffix so two titles never collide. */
export function newArticleId(title: string, suffix: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'article'}-${suffix
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8)}`;
}

type Raw = Record<string, unknown>;

/**
 * Checks what an author submitted and returns the article content. Throws VALIDATION_FAILED
 * listing every bad field (`title`, `body`, `kind`, `language`, `category`, `procedureIds`,
 * `activityIds`), so the form can show each problem next to its field. A body is also refused
 * when it nests quotes or lists deeper than `ARTICLE_LIMITS.nesting` or holds more than
 * `ARTICLE_LIMITS.emphasisRuns` emphasis marks: shapes the Markdown renderer handles badly.
 */
export function parseArticleContent(input: unknown): ArticleContent {
  const raw: Raw = input !== null && typeof input === 'object' ? (input as Raw) : {};
  const issues: FieldIssue[] = [];
  const title = text(raw.title, 'title', ARTICLE_LIMITS.title, true, issues);
  const body = text(raw.body, 'body', ARTICLE_LIMITS.body, true, issues);
  if (!issues.some((issue) => issue.path === 'body')) markdownShape(body, issues);
  const category = text(raw.category, 'category', ARTICLE_LIMITS.category, false, issues);
  const kind = oneOf(raw.kind ?? 'solution', ARTICLE_KINDS, 'kind', issues);
  const language = oneOf(raw.language, ARTICLE_LANGUAGES, 'language', issues);
  const procedureIds = links(raw.procedureIds, 'procedureIds', issues);
  const activityIds = links(raw.activityIds, 'activityIds', issues);
  if (issues.length > 0) {
    throw new AppError('VALIDATION_FAILED', `article: ${issues.length} field(s) invalid`, issues);
  }
  const isPublic = raw.public === true || raw.public === 'true' || raw.public === 'on';
  return { title, body, kind, language, category, procedureIds, activityIds, public: isPublic };
}

function text(value: unknown, path: string, max: number, required: boolean, issues: FieldIssue[]): string {
  const trimmed = typeof value === 'string' ? value.replace(/\r\n/g, '\n').trim() : '';
  if (value !== undefined && value !== null && typeof value !== 'string') {
    issues.push({ path, reason: 'type', message: `"${path}" must be text` });
  } else if (required && trimmed === '') {
    issues.push({ path, reason: 'required', message: `"${path}" is required` });
  } else if (trimmed.length > max) {
    issues.push({ path, reason: 'maxLength', message: `"${path}" is longer than ${max} characters` });
  }
  return trimmed;
}

/**
 * Refuses a body marked would render slowly or not at all: too deep, or too many emphasis marks.
 * Fenced code blocks are not read (marked neither nests nor emphasises inside them).
 */
function markdownShape(body: string, issues: FieldIssue[]): void {
  const { nesting, emphasisRuns: marks } = ARTICLE_LIMITS;
  const lines = proseLines(body);
  const deep = lines.find(({ line }) => lineNesting(line) > nesting);
  if (deep) {
    const message = `"body" nests quotes or lists more than ${nesting} levels deep (line ${deep.number})`;
    issues.push({ path: 'body', reason: 'maxDepth', message });
  } else if (
    tooManyEmphasisMarks(
      lines.map(({ line }) => line),
      marks,
    )
  ) {
    const message = `"body" has more than ${marks} emphasis marks (runs of *, _ or ~): use fewer`;
    issues.push({ path: 'body', reason: 'maxEmphasis', message });
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The body's lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(body: string): { line: string; number: number }[] {
  const prose: { line: string; number: number }[] = [];
  let fence: string | undefined;
  body.split('\n').forEach((line, index) => {
    const marker = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    } else if (marker !== undefined) {
      fence = marker;
    } else {
      prose.push({ line, number: index + 1 });
    }
  });
  return prose;
}

/** A quote (`>`) or list (`-`, `+`, `*`, `1.`, `1)`) marker, after the spaces before it. */
const CONTAINER = /([ \t]*)(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))[ \t]?/y;
const THEMATIC_BREAK = /^(?:-{3,}|\*{3,}|_{3,})$/;

/**
 * An upper bound of the quote and list levels open on a line: its leading markers, plus one
 * level per two columns of indentation among them (a nested list is indented under its parent).
 */
function lineNesting(line: string): number {
  if (THEMATIC_BREAK.test(line.replace(/[ \t]/g, ''))) return 0; // `- - -` is a rule, not lists
  let markers = 0;
  let columns = 0;
  CONTAINER.lastIndex = 0;
  for (let match = CONTAINER.exec(line); match !== null; match = CONTAINER.exec(line)) {
    markers += 1;
    columns += (match[1] ?? '').replace(/\t/g, '    ').length;
  }
  return markers === 0 ? 0 : markers + Math.floor(columns / 2);
}

/**
 * Whether the lines hold more than `max` runs of `*`, `_` or `~` that can open or close emphasis
 * (not inside a code span, not with white space on both sides), or more than ten times that of
 * `_` inside words. Identifiers such as `PRN_ICU_7` emphasise nothing, so they get the larger
 * allowance; marked still scans them as delimiters, so they are not free.
 */
function tooManyEmphasisMarks(lines: readonly string[], max: number): boolean {
  let runs = 0;
  let inWords = 0;
  for (const line of lines) {
    const prose = line.replace(/`+[^`]*`+/g, ' ');
    for (const match of prose.matchAll(/\*+|_+|~+/g)) {
      const before = prose[match.index - 1] ?? ' ';
      const after = prose[match.index + match[0].length] ?? ' ';
      if (match[0][0] === '_' && WORD.test(before) && WORD.test(after)) inWords += 1;
      else if (/\S/.test(before + after)) runs += 1;
    }
  }
  return runs > max || inWords > 10 * max;
}

const WORD = /[\p{L}\p{N}]/u;

function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: string,
  issues: FieldIssue[],
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  issues.push({ path, reason: 'enum', message: `"${path}" must be one of ${allowed.join(', ')}` });
  return allowed[0] as T;
}

/** A list of ids, as an array or as text separated by commas, spaces or new lines. */
function links(value: unknown, path: string, issues: FieldIssue[]): string[] {
  if (value === undefined || value === null || value === '') return [];
  const parts = typeof value === 'string' ? value.slice(0, 5_000).split(/[\s,]+/) : value;
  if (!Array.isArray(parts)) {
    issues.push({ path, reason: 'type', message: `"${path}" must be a list of ids` });
    return [];
  }
  const ids = [...new Set(parts.filter((part) => part !== ''))];
  if (ids.length > ARTICLE_LIMITS.links) {
    issues.push({ path, reason: 'maxItems', message: `"${path}" has more than ${ARTICLE_LIMITS.links} ids` });
    return [];
  }
  const bad = ids.find((id) => typeof id !== 'string' || !LINK_ID.test(id));
  if (bad !== undefined) {
    issues.push({
      path,
      reason: 'pattern',
      message: `"${path}" holds an invalid id <${String(bad).slice(0, 100)}>`,
    });
    return [];
  }
  return ids as string[];
}
