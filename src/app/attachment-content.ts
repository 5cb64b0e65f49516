import { ALLOWED_CONTENT_TYPES, fileRefused, textType } from '../domain/attachment.js';

/**
 * The content type of a file, decided from its bytes (docs/adr/0024): binary formats by their
 * signatures (the `file-type` library: PDF, images, DICOM, and the zip containers DOCX/XLSX/ODT/ODS
 * by their entries), else plain text (valid UTF-8, no NUL, no markup). The sent name only tells
 * `text/csv` from `text/plain`. VALIDATION_FAILED naming the file when the type is not allowed.
 */
export async function sniffContentType(bytes: Uint8Array, fileName: string): Promise<string> {
  // Loaded at the first file, not when the app starts.
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(bytes).catch(() => undefined);
  if (detected) {
    if (ALLOWED_CONTENT_TYPES.has(detected.mime)) return detected.mime;
    throw fileRefused(fileName, 'type', `files of type ${detected.mime} are not accepted`);
  }
  const text = textType(bytes, fileName);
  if (text) return text;
  throw fileRefused(
    fileName,
    'type',
    'the content is not an accepted type (PDF, image, text, CSV, office document, DICOM); HTML, SVG and programs are refused',
  );
}
