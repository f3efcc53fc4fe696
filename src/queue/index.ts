/**
 * The queue mode beside the local one: files recorded in PostgreSQL as jobs (pg-boss), scanned
 * by workers on any number of machines with the batch runner's pool, their results written in
 * the transaction that completes their job. Loaded only by the queue commands (the CLI imports
 * this folder lazily), and it loads pg and pg-boss only when it connects.
 */
export { connect, checkDbUrl, describeDbError, isConnectionLoss, redactUrl, QueueConnectionError, QueueUsageError, type QueueDb } from './connection.js';
export { ensureQueues, ensureTables, queueTimeout, requireTables, QueueSchemaError } from './schema.js';
export { enqueuePlan, rescanAll, type EnqueueOptions, type EnqueueReport } from './enqueue.js';
export { runQueueWorker, type WorkerOptions, type WorkerReport } from './work.js';
export { attachTexts, exportRows, pendingFiles, type ExportedRow } from './export.js';
export { formatStatus, queueStatus, type QueueStatus } from './status.js';
export { DEFAULT_QUEUE_SETTINGS, maintenanceSeconds, QUEUE, SCHEMA, BOSS_SCHEMA, type QueueSettings } from './names.js';
export { pathKey, recordKey } from './keys.js';
export { hasDecisionsTable, loadStoredDecisions, storeDecisions } from './decisions.js';
