// The entry-point comparison with the patient-manifest run included (see test/entry-points.test.ts).
export {};
process.env.SGS_SLOW = '1';
await import('../entry-points.test.js');
