import { AppError } from '../../domain/errors.js';

/** Largest BPMN file accepted. */
export const MAX_BPMN_BYTES = 5 * 1024 * 1024;

/**
 * Rejects XML that could attack the parser before it is parsed: DTDs and entities
 * (XXE, entity expansion), processing instructions, oversized or non-UTF-8 input.
 * BPMN never needs any of these.
 */
export function guardXml(text: string, fileName: string, maxBytes = MAX_BPMN_BYTES): void {
  if (!text.trim()) throw new AppError('PROCEDURE_INVALID', `${fileName}: the file is empty`);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new AppError('PROCEDURE_UNSAFE', `${fileName}: ${bytes} bytes is over the ${maxBytes}-byte limit`);
  }
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new AppError('PROCEDURE_UNSAFE', `${fileName}: DOCTYPE/ENTITY declarations are not allowed (XXE/entity expansion)`);
  }
  const instructions = [...text.matchAll(/<\?([A-Za-z_:][\w.:-]*)/g)];
  const declaration = instructions[0];
  const extra = instructions.filter((match) => match !== declaration || match.index !== text.indexOf('<?'));
  if (extra.some((match) => match[1]?.toLowerCase() !== 'xml') || instructions.filter((m) => m[1]?.toLowerCase() === 'xml').length > 1) {
    throw new AppError('PROCEDURE_UNSAFE', `${fileName}: processing instructions are not allowed`);
  }
  const encoding = /<\?xml[^>]*encoding=["']([^"']+)["']/i.exec(text)?.[1];
  if (encoding && !/^utf-?8$/i.test(encoding)) {
    throw new AppError('PROCEDURE_INVALID', `${fileName}: encoding ${encoding} is not supported; save the file as UTF-8`);
  }
}
