export interface RegexCheck {
  ok: boolean;
  reason?: string;
}

/**
 * Refuse regular expressions that can backtrack catastrophically (ReDoS):
 * - an unbounded quantifier (*, +, {n,}) applied to a group that itself contains one,
 *   e.g. `(a+)+$` (star height > 1);
 * - an unbounded quantifier on a group whose alternatives can match the same text,
 *   e.g. `(a|a)*`, `(\w|\d)+`;
 * - backreferences, which no linear-time argument covers.
 * Optional parts (`?`, `{0,3}`) are bounded and allowed, so ordinary clinical patterns such
 * as `PHQ-?9 (?:score )?(?:1[5-9])` pass.
 */
export function checkRegex(source: string, flags = 'u'): RegexCheck {
  try {
    new RegExp(source, flags);
  } catch (err) {
    return { ok: false, reason: `not a valid regular expression (${(err as Error).message})` };
  }
  if (/\\[1-9]|\\k</.test(source)) return { ok: false, reason: 'backreferences are not allowed' };

  interface Frame {
    start: number;
    unbounded: boolean;
    alternatives: string[];
    altStart: number;
  }
  const stack: Frame[] = [{ start: 0, unbounded: false, alternatives: [], altStart: 0 }];
  const quantAt = (i: number): { unbounded: boolean; len: number } => {
    const c = source[i];
    if (c === '*' || c === '+') return { unbounded: true, len: 1 + (source[i + 1] === '?' ? 1 : 0) };
    if (c === '?') return { unbounded: false, len: 1 };
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m) return { unbounded: m[2] !== undefined && m[3] === '', len: m[0].length };
    }
    return { unbounded: false, len: 0 };
  };

  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const top = stack[stack.length - 1];
    if (c === '\\') {
      i++;
      const q = quantAt(i + 1);
      if (q.unbounded) top.unbounded = true;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      for (; j < source.length && source[j] !== ']'; j++) if (source[j] === '\\') j++;
      i = j;
      if (quantAt(i + 1).unbounded) top.unbounded = true;
      continue;
    }
    if (c === '(') {
      let skip = 0;
      if (source[i + 1] === '?') {
        const m = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(source.slice(i));
        skip = m ? m[0].length - 1 : 0;
      }
      stack.push({ start: i + 1 + skip, unbounded: false, alternatives: [], altStart: i + 1 + skip });
      i += skip;
      continue;
    }
    if (c === '|') {
      top.alternatives.push(source.slice(top.altStart, i));
      top.altStart = i + 1;
      continue;
    }
    if (c === ')') {
      const f = stack.pop();
      if (!f || stack.length === 0) return { ok: false, reason: 'unbalanced parentheses' };
      f.alternatives.push(source.slice(f.altStart, i));
      const q = quantAt(i + 1);
      if (q.unbounded) {
        if (f.unbounded) return { ok: false, reason: 'nested unbounded quantifiers can backtrack catastrophically (ReDoS)' };
        if (overlapping(f.alternatives)) return { ok: false, reason: 'a repeated group has overlapping alternatives (ReDoS)' };
      }
      const parent = stack[stack.length - 1];
      parent.unbounded = parent.unbounded || f.unbounded || q.unbounded;
      i += q.len;
      continue;
    }
    if (quantAt(i + 1).unbounded && c !== '*' && c !== '+' && c !== '?' && c !== '}') top.unbounded = true;
  }
  return { ok: true };
}

/** Alternatives that can match the same text: duplicates, or two broad classes. */
function overlapping(alts: string[]): boolean {
  if (alts.length < 2) return false;
  if (new Set(alts).size !== alts.length) return true;
  const broad = alts.filter((a) => /^(?:\\[wdsSWD]|\.|\[[^\]]*\])[*+?]?$/.test(a));
  return broad.length > 1;
}
