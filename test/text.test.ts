import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalise, toOriginal, tokenise, splitSentences, findSections } from '../src/text/index.js';
import { analyse, TEXT_VOCAB } from './support/text-vocabulary.js';

const sentencesOf = (t: string) => {
  const n = normalise(t).text;
  return splitSentences(n, tokenise(n), TEXT_VOCAB).map((s) => n.slice(s.start, s.end));
};

describe('normalise', () => {
  it('maps CRLF to LF and keeps offsets into the original', () => {
    const src = 'a\r\nb\rc';
    const n = normalise(src);
    expect(n.text).toBe('a\nb\nc');
    const i = n.text.indexOf('c');
    expect(src.slice(toOriginal(n, i, i + 1).start, toOriginal(n, i, i + 1).end)).toBe('c');
  });
  it('removes zero-width characters inside words', () => {
    const src = 'do\u200bmestic ab\u00aduse';
    const n = normalise(src);
    expect(n.text).toBe('domestic abuse');
    const o = toOriginal(n, 0, n.text.length);
    expect(src.slice(o.start, o.end)).toBe(src);
  });
  it('turns NBSP, tabs and other spaces into spaces and smart quotes into straight ones', () => {
    expect(normalise('a\u00a0b\tc\u2003d \u2018x\u2019 \u201cy\u201d').text).toBe("a b c d 'x' \"y\"");
  });
  it('applies NFKC, and strips accents from Latin, Greek and Cyrillic letters only', () => {
    expect(normalise('\ufb01le').text).toBe('file');
    expect(normalise('cafe\u0301').text).toBe('cafe');
    expect(normalise('caf\u00e9 M\u00c2RAC Zo\u00eb').text).toBe('cafe MARAC Zoe');
    // Marks that are part of other scripts' letters stay.
    expect(normalise('\u0915\u093f').text).toBe('\u0915\u093f');
    const src = 'cafe\u0301 x';
    const n = normalise(src);
    const o = toOriginal(n, 3, 4); // the composed é maps back to "e" + combining mark
    expect(src.slice(o.start, o.end)).toBe('e\u0301');
  });
  it('maps Cyrillic look-alikes to Latin', () => {
    expect(normalise('d\u043emestic \u0430buse').text).toBe('domestic abuse');
  });
  it('survives emoji, lone surrogates and NUL', () => {
    const src = 'ok \ud83d\ude00 \ud800 x\u0000y';
    const n = normalise(src);
    expect(n.text).toContain('\ud83d\ude00');
    expect(n.text).toContain('\ufffd');
    expect(n.text).not.toContain('\u0000');
    expect(n.starts.length).toBe(n.text.length);
  });
  it('maps printable ASCII one to one, and only that is left as it is', () => {
    // Plain ASCII takes a shortcut; each of the other ASCII cases must still be normalised.
    const ascii = fc.array(fc.constantFrom(...' aZ09.,?\n-/\'(', 'x'.repeat(3)), { maxLength: 60 }).map((a) => a.join(''));
    fc.assert(
      fc.property(ascii, fc.constantFrom('', '\r\n', '\t', '`', '\u0000', '\u007f'), fc.nat(60), (base, odd, pos) => {
        const at = Math.min(pos, base.length);
        const text = base.slice(0, at) + odd + base.slice(at);
        const n = normalise(text);
        expect(n.text.length).toBe(n.starts.length);
        if (odd === '') {
          expect(n.text).toBe(text);
          expect([...n.starts]).toEqual([...text].map((_, i) => i));
          expect([...n.ends]).toEqual([...text].map((_, i) => i + 1));
        } else {
          expect(n.text).not.toContain(odd.slice(-1) === '\n' ? '\r' : odd);
          const [s, e] = [n.starts[at], n.ends[at]];
          expect(text.slice(s, e)).toBe(odd);
        }
      }),
      { numRuns: 300 },
    );
  });
  it('handles the empty string', () => {
    const n = normalise('');
    expect(n.text).toBe('');
    expect(analyse('').tokens).toEqual([]);
  });
  it('handles a 5 MB string in linear time', () => {
    const big = 'Seen today. Denies DV. '.repeat(230_000);
    const t0 = performance.now();
    const a = analyse(big);
    const ms = performance.now() - t0;
    expect(a.norm.text.length).toBe(big.length);
    expect(a.tokens.length).toBeGreaterThan(1_000_000);
    expect(ms).toBeLessThan(20_000); // generous ceiling: catches super-linear blow-ups only
  });
});

describe('tokenise', () => {
  it('gives exact offsets, lower forms and shapes', () => {
    const text = "Mum's BP 120/80, NHS no. ?DV";
    const toks = tokenise(text);
    for (const t of toks) expect(text.slice(t.start, t.end)).toBe(t.text);
    const mum = toks.find((t) => t.text === "Mum's")!;
    expect(mum.lower).toBe("mum's");
    expect(toks.find((t) => t.text === 'NHS')!.shape).toBe('X');
    expect(toks.find((t) => t.text === '120')!.shape).toBe('d');
    expect(toks.map((t) => t.text)).toContain('?');
  });
  it('splits exactly as the token grammar regex does, on any text', () => {
    // The hand-written tokeniser is held to the regex it replaces (code points, /u semantics).
    const grammar = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}]+)*|\n|[^\s\p{L}\p{M}\p{N}]/gu;
    const wordish = /^[\p{L}\p{M}\p{N}]/u;
    const pieces = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom("o'brien", "mum's", "'", "''", "a'1", '2nd', '\u00e9', 'e\u0301', '\ud835\udc00', '\u0660', '\u2003', '\n', '\r', '\t', '\ud800', 'x\udc00y', 'NHS', '-', '/'),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 20 }).map((a) => a.join('')), (text) => {
        const want = [...text.matchAll(grammar)].map((m) => [m.index, m.index + m[0].length, m[0] === '\n' ? 'newline' : wordish.test(m[0]) ? 'word' : 'punct']);
        const toks = tokenise(text);
        expect(toks.map((t) => [t.start, t.end, t.kind])).toEqual(want);
        for (const t of toks) expect(t.text).toBe(text.slice(t.start, t.end));
        toks.forEach((t, i) => expect(t.index).toBe(i));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 500) },
    );
  });
  it('shares one form per distinct token text, across documents', () => {
    const [a] = tokenise('Safeguarding');
    const [, b] = tokenise('re Safeguarding');
    expect(b.form).toBe(a.form);
    expect(a.form.lower).toBe('safeguarding');
    expect(tokenise('safeguarding')[0].form).not.toBe(a.form);
  });
  it('gives a number of three digits or more a form of its own, with the facts a shared form would have', () => {
    // A backlog of numbered records ("Entry 12345") would otherwise fill the shared form table and
    // every cache keyed on forms with numbers seen once (the 100,000-file memory run).
    const [, n1, , , n2] = tokenise('Entry 12345 and entry 12345');
    expect(n1.form).not.toBe(n2.form);
    expect(n1.form.transient).toBe(true);
    expect([n1.form.text, n1.form.lower, n1.form.shape]).toEqual(['12345', '12345', 'd']);
    // short numbers, words with digits and numbers with an apostrophe part stay shared
    for (const w of ['12', '2nd', 'A12', "123's"]) {
      const a = tokenise(w)[0];
      expect(tokenise(`x ${w}`)[1].form, w).toBe(a.form);
      expect(a.form.transient, w).toBeUndefined();
    }
  });
  it('marks hyphens and slashes as skippable for matching', () => {
    const toks = tokenise('non-accidental');
    expect(toks.map((t) => t.skip)).toEqual([false, true, false]);
  });
});

describe('sentences', () => {
  it('does not split on titles, o/e., dates or ?DV', () => {
    expect(sentencesOf('Seen by Dr. Patel today. o/e. chest clear. Review 12.3.24 please. ?DV. Plan: FU.')).toEqual([
      'Seen by Dr. Patel today.',
      'o/e. chest clear.',
      'Review 12.3.24 please.',
      '?DV.',
      'Plan: FU.',
    ]);
  });
  it('treats one finding per line and bullets as sentences', () => {
    expect(sentencesOf('BP 120/80\nNo DV\n- bruising arm\n* mood low')).toEqual(['BP 120/80', 'No DV', '- bruising arm', '* mood low']);
  });
  it('joins wrapped prose lines', () => {
    expect(sentencesOf('She reports that her partner\nhas been controlling.')).toEqual(['She reports that her partner\nhas been controlling.']);
  });
  it('keeps initials with the surname', () => {
    expect(sentencesOf('Letter from J. Smith received.')).toEqual(['Letter from J. Smith received.']);
  });
});

describe('sections', () => {
  const letter = 'City Hospital\nWard 5\n\nDear Dr Shah,\n\nRe: Jo Bloggs, DOB 01/02/1990\n\nSeen today.\nFamily history:\nmother breast ca\n\nPlan: review\n\nYours sincerely\nDr Ann Lee\ncc: Mrs Bloggs';
  const kinds = (t: string) => {
    const n = normalise(t).text;
    return findSections(n, TEXT_VOCAB).map((s) => [s.kind, n.slice(s.start, s.end).trim().split('\n')[0]]);
  };
  it('finds header, salutation, regarding, family, plan, signature', () => {
    const k = kinds(letter);
    expect(k.map((x) => x[0])).toEqual(expect.arrayContaining(['header', 'salutation', 'regarding', 'family', 'plan', 'signature']));
    expect(k.find((x) => x[0] === 'family')![1]).toBe('Family history:');
    expect(k.find((x) => x[0] === 'signature')![1]).toBe('Yours sincerely');
  });
  it('recognises FHx: inline headings', () => {
    expect(kinds('FHx: father MI aged 60.')[0][0]).toBe('family');
  });
  it('finds cc lines in entries', () => {
    expect(kinds('Seen.\ncc: HV team')[1][0]).toBe('cc');
  });
});
