/** Byte-to-text helpers shared by the header and annotation parsers. */

/**
 * ISO-8859-1, byte for byte. Not `TextDecoder('latin1')`: WHATWG maps that label to
 * windows-1252, which turns bytes 0x80-0x9F into other characters.
 */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * EDF+ says annotation text is UTF-8, but some writers (BioTrace+) put raw Latin-1 bytes there;
 * text that is not valid UTF-8 is read as Latin-1 rather than refused or garbled.
 */
export function utf8OrLatin1(bytes: Uint8Array, start: number, end: number): string {
  const view = bytes.subarray(start, end);
  try {
    return utf8.decode(view);
  } catch {
    return latin1(bytes, start, end);
  }
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** An integer header field, or null when the text is not one (blank, letters, fractions). */
export function parseInteger(text: string): number | null {
  const t = text.trim();
  if (!INTEGER.test(t)) return null;
  const v = Number(t);
  return Number.isSafeInteger(v) ? v : null;
}

/** A decimal header field, or null when the text is not a finite number. */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  if (!DECIMAL.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}
