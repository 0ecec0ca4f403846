/**
 * Where things are in a JSON file, for messages a person can act on: the line and column of a syntax error,
 * and of the value at a JSON path ("$.body[2].items[0]"). JSON.parse says only "position N" (and not on every
 * Node version), so the positions are computed here.
 */

export interface Position { line: number; column: number }

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

class JsonSyntaxError extends Error {
  constructor(readonly offset: number, message: string) { super(message); }
}

/** Parses JSON; on a syntax error says where (line, column) and what, in words. */
export function parseJsonWithPosition(text: string): { value: unknown; offsets: Map<string, number> } | { error: string; at: Position } {
  try {
    const offsets = scan(text);
    return { value: JSON.parse(text) as unknown, offsets };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { error: err.message, at: positionAt(text, err.offset) };
    const pos = /position (\d+)/.exec((err as Error).message); // JSON.parse refused what the scanner let through
    return { error: (err as Error).message, at: positionAt(text, pos ? Number(pos[1]) : text.length) };
  }
}

/**
 * A strict JSON scanner: the offset of every value, keyed by its path ("$", "$.body", "$.body[0].text", …), or
 * a JsonSyntaxError at the first character that is wrong (Node 20's JSON.parse does not say where).
 */
export function scan(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(i, i >= text.length ? `the file ends too early (${what})` : `unexpected ${JSON.stringify(text[i])}: ${what}`);
  };
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const expect = (c: string, what: string) => { ws(); if (text[i] !== c) fail(what); i++; };
  const str = (): string => {
    const start = i;
    if (text[i] !== '"') fail('expected a "quoted" name');
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\n') fail('a text must end with " on the same line');
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail('a text is missing its closing "');
    i++;
    try { return JSON.parse(text.slice(start, i)) as string; } catch { i = start; return fail('invalid escape in a text'); }
  };
  const value = (path: string): void => {
    ws();
    out.set(path, i);
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        const key = str();
        expect(':', 'expected ":" after a property name');
        value(`${path}.${key}`);
        ws();
        if (text[i] === ',') { i++; ws(); if (text[i] === '}') fail('a comma before "}" (remove it)'); continue; }
        if (text[i] === '}') { i++; return; }
        fail('expected "," or "}" after a property value');
      }
    }
    if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i] === ',') { i++; ws(); if (text[i] === ']') fail('a comma before "]" (remove it)'); continue; }
        if (text[i] === ']') { i++; return; }
        fail('expected "," or "]" after a list item');
      }
    }
    if (c === '"') { str(); return; }
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail('expected a value (text in "quotes", a number, true, false, null, { or [)');
    i += (m as RegExpExecArray)[0].length;
  };
  value('$');
  ws();
  if (i < text.length) fail('extra content after the end of the card');
  return out;
}

/** The position of the value at `path`, or of its nearest ancestor that exists in the text. */
export function positionOfPath(text: string, offsets: Map<string, number>, path: string): Position {
  let p = path;
  while (!offsets.has(p) && p !== '$') p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '') || '$';
  return positionAt(text, offsets.get(p) ?? 0);
}
