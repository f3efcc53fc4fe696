/** Formats read in a reader child process (they can blow up: pdf.js, WASM OCR, archives, image decoders). */
export const HEAVY_EXTENSIONS: readonly string[] = ['.docx', '.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff'];
