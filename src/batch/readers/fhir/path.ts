/** A place in a parsed JSON value: object keys and array indexes from its root. */
export type JsonPath = readonly (string | number)[];

/** RFC 6901 JSON Pointer: what the service's 400 responses carry. */
export function jsonPointer(path: JsonPath): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** FHIR's dotted path (`Bundle.entry[2].resource.content[0].attachment`), for error messages. */
export function fhirPath(rootType: string, path: JsonPath): string {
  let s = rootType;
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `.${p}`;
  return s;
}

/**
 * The line (1-based) where the value at `path` starts in a JSON text, or undefined. Only run to
 * name the line of a problem: a single pass over the text, tracking the path of each value as
 * it opens, with no value built.
 */
export function lineOf(text: string, path: JsonPath): number | undefined {
  type Frame = { arr: boolean; key: string | number | undefined; expectKey: boolean };
  const stack: Frame[] = [];
  let line = 1;
  const here = () => stack.length === path.length && stack.every((f, k) => f.key === path[k]);
  const valueStarts = () => {
    const top = stack[stack.length - 1];
    return !top || top.arr || !top.expectKey;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',' || c === ':') {
      if (c === ',') {
        const top = stack[stack.length - 1];
        if (top?.arr) top.key = (top.key as number) + 1;
        else if (top) top.expectKey = true;
      }
      continue;
    }
    if (c === '}' || c === ']') {
      stack.pop();
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top && !top.arr && top.expectKey) {
        try {
          top.key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          return undefined;
        }
        top.expectKey = false;
      } else if (here()) return line;
      i = j;
      continue;
    }
    if (!valueStarts()) return undefined;
    if (here()) return line;
    if (c === '{') stack.push({ arr: false, key: undefined, expectKey: true });
    else if (c === '[') {
      stack.push({ arr: true, key: 0, expectKey: false });
    } else {
      // A number, true, false or null: skip to its end.
      while (i + 1 < text.length && !/[\s,\]}]/.test(text[i + 1])) i++;
    }
  }
  return undefined;
}

/** The line of a JSON syntax error, when the parser's message gives its position (the message itself can quote the text: never shown). */
export function syntaxErrorLine(text: string, err: unknown): number | undefined {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  if (!m) return undefined;
  const pos = Math.min(Number(m[1]), text.length);
  let line = 1;
  for (let i = 0; i < pos; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
