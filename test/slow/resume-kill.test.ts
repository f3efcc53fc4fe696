// The resume tests with the random-SIGKILL soak included (see test/cli-resume.test.ts).
export {};
process.env.SGS_SLOW = '1';
await import('../cli-resume.test.js');
