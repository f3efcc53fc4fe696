import safeRegex from 'safe-regex2';

export interface RegexCheck {
  ok: boolean;
  reason?: string;
}

/**
 * Refuse regular expressions that can backtrack catastrophically. safe-regex2 catches nested
 * quantifiers (star height > 1, e.g. `(a+)+$`); we add a check for quantified groups whose
 * alternatives can match the same text (`(a|a)*`, `(\w|\d)+`), the other common ReDoS shape,
 * and for backreferences, which no linear-time guarantee covers.
 */
export function checkRegex(source: string, flags = 'u'): RegexCheck {
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (err) {
    return { ok: false, reason: `not a valid regular expression (${(err as Error).message})` };
  }
  if (/\\[1-9]|\\k</.test(source)) return { ok: false, reason: 'backreferences are not allowed' };
  if (!safeRegex(re, { limit: 25 })) return { ok: false, reason: 'nested quantifiers can backtrack catastrophically (ReDoS)' };
  if (/\((?:\?:)?[^()]*\|[^()]*\)[*+{]/.test(source)) {
    const m = /\((?:\?:)?([^()]*)\)[*+{]/.exec(source);
    const alts = m ? m[1].split('|') : [];
    const broad = alts.filter((a) => /^(?:\\[wdsS.]|\.|\[[^\]]*\])[*+]?$/.test(a));
    const dup = new Set(alts).size !== alts.length;
    if (dup || broad.length > 1) return { ok: false, reason: 'a repeated group has overlapping alternatives (ReDoS)' };
  }
  return { ok: true };
}
