/**
 * The text of an uploaded price file, decoded chunk by chunk as it streams in.
 *
 * ODEPA publishes UTF-8 with a byte-order mark, but the same file saved again by a
 * spreadsheet on Windows is Latin-1 (Windows-1252), and nothing in a CSV says which. The
 * rule: a byte-order mark means UTF-8; otherwise the first non-ASCII character decides —
 * a valid UTF-8 sequence means UTF-8, anything else Windows-1252. Until that character
 * arrives every byte is ASCII, which both encodings decode alike, so nothing read before
 * the decision is ever decoded again and the file is never held in memory.
 */
export type TextEncoding = 'utf-8' | 'windows-1252';

const BOM = [0xef, 0xbb, 0xbf];

export class CsvTextDecoder {
  private decided: TextEncoding | undefined;
  private started = false;
  private pending: Uint8Array = new Uint8Array(0);
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  // Stateless byte by byte, and identical to ASCII below 0x80.
  private readonly windows1252 = new TextDecoder('windows-1252');

  /** `declared`: the charset of the request's Content-Type, when it names one. */
  constructor(declared?: TextEncoding) {
    this.decided = declared;
  }

  /** UTF-8 until a byte says otherwise (a pure-ASCII file is valid UTF-8). */
  get encoding(): TextEncoding {
    return this.decided ?? 'utf-8';
  }

  decode(chunk: Uint8Array): string {
    let bytes = this.pending.length > 0 ? concat(this.pending, chunk) : chunk;
    this.pending = new Uint8Array(0);
    if (!this.started) {
      if (
        bytes.length < BOM.length &&
        BOM.every((byte, i) => i >= bytes.length || bytes[i] === byte)
      ) {
        this.pending = bytes.slice();
        return '';
      }
      this.started = true;
      if (BOM.every((byte, i) => bytes[i] === byte)) {
        // The mark outranks a declared charset: it can only be UTF-8.
        this.decided = 'utf-8';
        bytes = bytes.subarray(BOM.length);
      }
    }
    if (this.decided) return this.decodeAs(this.decided, bytes);

    const firstHigh = bytes.findIndex((byte) => byte >= 0x80);
    if (firstHigh < 0) return this.windows1252.decode(bytes);
    const ascii = this.windows1252.decode(bytes.subarray(0, firstHigh));
    const length = utf8SequenceLength(bytes[firstHigh]);
    if (length > 0 && bytes.length - firstHigh < length) {
      this.pending = bytes.slice(firstHigh);
      return ascii;
    }
    this.decided =
      length > 0 && isValidUtf8(bytes.subarray(firstHigh, firstHigh + length))
        ? 'utf-8'
        : 'windows-1252';
    return ascii + this.decodeAs(this.decided, bytes.subarray(firstHigh));
  }

  /** The rest, at the end of the stream: a cut-off UTF-8 sequence decodes as U+FFFD. */
  end(): string {
    const pending = this.pending;
    this.pending = new Uint8Array(0);
    this.started = true;
    if (!this.decided && pending.length > 0) {
      // Only a truncated multi-byte sequence is left: not UTF-8.
      this.decided = pending[0] >= 0x80 ? 'windows-1252' : 'utf-8';
    }
    if (this.decided === 'utf-8') return this.utf8.decode(pending);
    return this.windows1252.decode(pending);
  }

  private decodeAs(encoding: TextEncoding, bytes: Uint8Array): string {
    return encoding === 'utf-8'
      ? this.utf8.decode(bytes, { stream: true })
      : this.windows1252.decode(bytes);
  }
}

/**
 * Line ends made `\n`, across chunk boundaries. csv-parse counts a CRLF inside a quoted
 * field as two lines, so after a stray quote in a CRLF file every later line number it
 * gives would be off; with LF only, its count is the file's. (A CR alone, as old Mac
 * spreadsheets write, is a line end too.)
 */
export class LineEndNormalizer {
  private heldCarriageReturn = false;

  push(text: string): string {
    let joined = this.heldCarriageReturn ? `\r${text}` : text;
    this.heldCarriageReturn = joined.endsWith('\r');
    if (this.heldCarriageReturn) joined = joined.slice(0, -1);
    return joined.replace(/\r\n?/g, '\n');
  }

  end(): string {
    const rest = this.heldCarriageReturn ? '\n' : '';
    this.heldCarriageReturn = false;
    return rest;
  }
}

/** The encoding a Content-Type's charset names; `unsupported` for one we do not read. */
export function encodingOfContentType(
  contentType: string | undefined,
): TextEncoding | undefined | 'unsupported' {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  if (!match) return undefined;
  const charset = match[1].toLowerCase();
  if (charset === 'utf-8' || charset === 'utf8') return 'utf-8';
  if (['iso-8859-1', 'latin1', 'latin-1', 'windows-1252', 'cp1252'].includes(charset)) {
    return 'windows-1252';
  }
  return 'unsupported';
}

/**
 * Comma or semicolon, from the header line: whichever appears more often outside quotes.
 * (A Spanish-locale spreadsheet writes semicolons because the comma is its decimal mark.)
 */
export function sniffDelimiter(headerLine: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ',') commas += 1;
    else if (!quoted && char === ';') semicolons += 1;
  }
  return semicolons > commas ? ';' : ',';
}

function utf8SequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
