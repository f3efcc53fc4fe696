// Every joined document of test/windows.test.ts, windowed against whole.
process.env.WINDOWS_ALL = '1';
await import('../windows.test.js');
export {};
