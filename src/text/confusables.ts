/**
 * Letters that look like Latin letters and are not, mapped to the Latin letter a reader takes
 * them for: a disguised "ᴍᴀʀᴀᴄ" or "dοmestic" (Greek omicron) must read as the word it shows.
 * NFKC already folds fullwidth, mathematical, circled and superscript letters; these are the
 * ones it leaves alone (Cyrillic and Greek look-alikes, small capitals, IPA letters, and Latin
 * letters with a stroke that no decomposition strips). Real Cyrillic or Greek text is not our
 * input, and a mis-mapped letter can only add matches, never hide them.
 */
export const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  '\u0430': 'a', '\u0435': 'e', '\u043E': 'o', '\u0440': 'p', '\u0441': 'c', '\u0443': 'y',
  '\u0445': 'x', '\u0456': 'i', '\u0458': 'j', '\u0455': 's', '\u04BB': 'h', '\u0501': 'd',
  '\u04CF': 'l', '\u051B': 'q', '\u051D': 'w', '\u0457': 'i',
  '\u0410': 'A', '\u0412': 'B', '\u0415': 'E', '\u041A': 'K', '\u041C': 'M', '\u041D': 'H',
  '\u041E': 'O', '\u0420': 'P', '\u0421': 'C', '\u0422': 'T', '\u0425': 'X', '\u0406': 'I',
  '\u0408': 'J', '\u0405': 'S', '\u04AE': 'Y', '\u0417': '3',
  // Greek
  '\u03BF': 'o', '\u03B1': 'a', '\u03B9': 'i', '\u03BA': 'k', '\u03BD': 'v', '\u03C1': 'p',
  '\u03C5': 'u', '\u03C7': 'x', '\u03B5': 'e',
  '\u0391': 'A', '\u0392': 'B', '\u0395': 'E', '\u0397': 'H', '\u0399': 'I', '\u039A': 'K',
  '\u039C': 'M', '\u039D': 'N', '\u039F': 'O', '\u03A1': 'P', '\u03A4': 'T', '\u03A7': 'X',
  '\u03A5': 'Y', '\u0396': 'Z',
  // Small capitals and IPA letters
  '\u1D00': 'a', '\u0299': 'b', '\u1D04': 'c', '\u1D05': 'd', '\u1D07': 'e', '\uA730': 'f',
  '\u0262': 'g', '\u029C': 'h', '\u026A': 'i', '\u1D0A': 'j', '\u1D0B': 'k', '\u029F': 'l',
  '\u1D0D': 'm', '\u0274': 'n', '\u1D0F': 'o', '\u1D18': 'p', '\uA7AF': 'q', '\u0280': 'r',
  '\uA731': 's', '\u1D1B': 't', '\u1D1C': 'u', '\u1D20': 'v', '\u1D21': 'w', '\u028F': 'y',
  '\u1D22': 'z', '\u0251': 'a', '\u0261': 'g', '\u0131': 'i', '\u0237': 'j', '\u0269': 'i',
  '\u0250': 'a', '\u025B': 'e',
  // Latin letters whose stroke or ligature no decomposition removes
  '\u00F8': 'o', '\u00D8': 'O', '\u0111': 'd', '\u0110': 'D', '\u0142': 'l', '\u0141': 'L',
  '\u0127': 'h', '\u0126': 'H', '\u0167': 't', '\u0166': 'T', '\u00E6': 'ae', '\u00C6': 'AE',
  '\u0153': 'oe', '\u0152': 'OE', '\u00F0': 'd', '\u00DF': 'ss', '\u0180': 'b', '\u0268': 'i',
};
