/** Hostile inputs for the linear-time checks (bench/hostile.ts and test/hostile.test.ts). */
export const hostileInputs: Record<string, (bytes: number) => string> = {
  'single line, no breaks': (n) => 'Partner hit her, DV disclosed, MARAC referral made, seen with mum, denies self harm, '.repeat(Math.ceil(n / 86)).slice(0, n),
  '"no " repeated': (n) => 'no '.repeat(Math.ceil(n / 3)).slice(0, n),
  'tokens without punctuation': (n) => {
    const words = ['partner', 'mum', 'dave', 'smith', 'denies', 'dv', 'hiv', 'rang', 'if', 'plan', 'nhs', 'marac', 'the', 'of'];
    const out: string[] = [];
    let len = 0;
    for (let i = 0; len < n; i++) {
      const w = words[(i * 7919) % words.length];
      out.push(w);
      len += w.length + 1;
    }
    return out.join(' ').slice(0, n);
  },
  'deeply repeated brackets': (n) => '('.repeat(Math.floor(n / 2)) + ')'.repeat(Math.ceil(n / 2)),
  'binary junk': (n) => {
    let x = 12345;
    let s = '';
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      s += String.fromCharCode(x % 0xffff);
    }
    return s;
  },
  'DV DV DV (a finding per token)': (n) => 'DV '.repeat(Math.ceil(n / 3)).slice(0, n),
};
