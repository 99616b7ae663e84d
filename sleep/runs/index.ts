/** Run records: schema, validation, a store interface with an in-memory store, one-file export/import, comparison. */
export { RUN_RECORD_VERSION, SLEEP_STAGE_NAMES, newRunId, summarizeRun, runMetricsFrom, historyFrom } from './record.ts';
export type { RunRecord, RunSummary, RunEpoch, RunMetrics, RunWeights, RunDataSelection, JsonValue, JsonObject } from './record.ts';
export { validateRunRecord, RunRecordError } from './validate.ts';
export { MemoryRunStore } from './store.ts';
export type { RunStore } from './store.ts';
export { encodeRunsFile, decodeRunsFile, runsFileName, encodeBase64, decodeBase64, RunsFileError, RUNS_FILE_FORMAT } from './file.ts';
export type { DecodedRunsFile } from './file.ts';
export { compareRuns } from './compare.ts';
export type { RunComparison, ConfigDifference } from './compare.ts';
