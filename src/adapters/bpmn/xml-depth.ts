const LT = '<';
const GT = 62;
const SLASH = 47;
const QUOTE = 34;
const APOSTROPHE = 39;

/** Constructs skipped whole by the scan: opener and closer. */
const SKIPPED: readonly (readonly [string, string])[] = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
  ['<!', '>'],
];

/** What {@link scanXml} counted. */
export interface XmlShape {
  /** Index of the first start tag nested deeper than the cap, if any (the scan stops there). */
  readonly tooDeepAt: number | undefined;
  /** Elements seen (all of them unless the scan stopped early). */
  readonly elements: number;
}

/**
 * Counts elements and finds the first start tag nested deeper than `maxDepth`.
 * One linear pass without recursion or allocation per element, so it is safe to run
 * on any input before a parser (whose tree walks may recurse) sees it. Comments,
 * CDATA, processing instructions and declarations are skipped, `>` inside quoted
 * attribute values does not end a tag, and `<x/>` does not nest. Malformed input
 * stops the scan quietly: reporting it is the parser's job.
 */
export function scanXml(text: string, maxDepth: number): XmlShape {
  let depth = 0;
  let elements = 0;
  let at = text.indexOf(LT);
  while (at !== -1) {
    const skipped = SKIPPED.find(([open]) => text.startsWith(open, at));
    let end: number;
    if (skipped) {
      end = text.indexOf(skipped[1], at + skipped[0].length);
      if (end !== -1) end += skipped[1].length - 1;
    } else if (text.charCodeAt(at + 1) === SLASH) {
      depth -= 1;
      end = text.indexOf('>', at + 2);
    } else {
      end = tagEnd(text, at + 1);
      if (end === -1) break;
      elements += 1;
      if (text.charCodeAt(end - 1) !== SLASH && ++depth > maxDepth) return { tooDeepAt: at, elements };
    }
    if (end === -1) break;
    at = text.indexOf(LT, end + 1);
  }
  return { tooDeepAt: undefined, elements };
}

/** Index of the first start tag nested deeper than `maxDepth`, or undefined (see {@link scanXml}). */
export function firstTooDeep(text: string, maxDepth: number): number | undefined {
  return scanXml(text, maxDepth).tooDeepAt;
}

/** Index of the `>` closing a start tag begun before `from`, honouring quoted attribute values. */
function tagEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (quote) {
      if (code === quote) quote = 0;
    } else if (code === QUOTE || code === APOSTROPHE) {
      quote = code;
    } else if (code === GT) {
      return i;
    }
  }
  return -1;
}
