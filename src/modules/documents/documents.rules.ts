/**
 * What a document is, read from its bytes (never from its name or the type
 * the client claimed), and whether it may be stored:
 *  - PDF, PNG, JPEG and WebP by their magic bytes (`file-type`);
 *  - an image must declare sane pixel dimensions (`image-size` reads them from
 *    the header): a small file that decodes into billions of pixels is a
 *    decompression bomb, whatever it claims to be;
 *  - DXF (text: group code 0 / SECTION, then group code 2 / a section name such
 *    as HEADER, optionally after 999 comments; or the binary DXF sentinel) and
 *    STEP (ISO 10303-21: the file opens with `ISO-10303-21;`) by their
 *    headers: they are served as downloads only;
 *  - archives (zip, gzip, …) are refused by name of the rule, even when named
 *    like an image; anything else is refused naming the allowed types.
 * Pure: no database, no request; the service decides what to do with the verdict.
 */
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { m, type Message } from '../../shared/errors.js';
import type { DocumentContentType } from './documents.schema.js';

/** The most pixels an image document may declare (width × height). */
export const maxImagePixels = 100_000_000;

const detectedImages = new Set<string>(['image/png', 'image/jpeg', 'image/webp']);
const archives = new Set<string>([
  'application/zip',
  'application/gzip',
  'application/x-bzip2',
  'application/x-xz',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/x-tar',
  'application/zstd',
  'application/x-lzip',
  'application/x-compress',
  'application/x-lzh-compressed',
  'application/x-brotli',
]);

export type Verdict = { ok: true; contentType: DocumentContentType; width?: number; height?: number } | { ok: false; status: 415 | 422; message: Message };

const textHead = (bytes: Uint8Array, length = 4096) => Buffer.from(bytes.subarray(0, length)).toString('latin1');

/** STEP (ISO 10303-21) exchange file: the first statement is `ISO-10303-21;`. */
export function isStep(bytes: Uint8Array): boolean {
  return /^(\uFEFF|\u00EF\u00BB\u00BF)?\s*ISO-10303-21;/.test(textHead(bytes, 256));
}

/** DXF: binary sentinel, or text whose first group (after 999 comments) is 0/SECTION followed by 2/<section name>. */
export function isDxf(bytes: Uint8Array): boolean {
  const head = textHead(bytes);
  if (head.startsWith('AutoCAD Binary DXF\r\n\u001a\u0000')) return true;
  if (head.includes('\u0000')) return false;
  const lines = head.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, '').split(/\r?\n/);
  let i = 0;
  while (lines[i]?.trim() === '999') i += 2; // comments: group code 999 and its text
  return (
    lines[i]?.trim() === '0' &&
    lines[i + 1]?.trim() === 'SECTION' &&
    lines[i + 2]?.trim() === '2' &&
    /^(HEADER|CLASSES|TABLES|BLOCKS|ENTITIES|OBJECTS|THUMBNAILIMAGE)$/.test(lines[i + 3]?.trim() ?? '')
  );
}

/** Whether `bytes`, uploaded under `name`, may be stored, and as what. */
export async function classifyDocument(name: string, bytes: Uint8Array): Promise<Verdict> {
  if (bytes.length === 0) return { ok: false, status: 422, message: m('documents.empty', { name }) };
  const detected = await fileTypeFromBuffer(bytes);
  if (detected?.mime === 'application/pdf') return { ok: true, contentType: 'application/pdf' };
  if (detected && detectedImages.has(detected.mime)) {
    let size: { width?: number; height?: number };
    try {
      size = imageSize(bytes);
    } catch {
      return { ok: false, status: 422, message: m('documents.image_unreadable', { name, detected: detected.mime }) };
    }
    const { width, height } = size;
    if (!width || !height) return { ok: false, status: 422, message: m('documents.image_unreadable', { name, detected: detected.mime }) };
    if (width * height > maxImagePixels) {
      return {
        ok: false,
        status: 422,
        message: m('documents.image_too_many_pixels', { name, width, height, maxMegapixels: maxImagePixels / 1_000_000 }),
      };
    }
    return { ok: true, contentType: detected.mime as DocumentContentType, width, height };
  }
  if (detected && archives.has(detected.mime)) return { ok: false, status: 415, message: m('documents.archive', { name, detected: detected.ext }) };
  if (detected) return { ok: false, status: 415, message: m('documents.type_not_allowed', { name, detected: detected.mime }) };
  if (isStep(bytes)) return { ok: true, contentType: 'model/step' };
  if (isDxf(bytes)) return { ok: true, contentType: 'image/vnd.dxf' };
  return { ok: false, status: 415, message: m('documents.unknown_type', { name }) };
}

/** PDF and images are shown in the browser; CAD files are offered as downloads. */
export const shownInline = (contentType: DocumentContentType): boolean => contentType !== 'image/vnd.dxf' && contentType !== 'model/step';
