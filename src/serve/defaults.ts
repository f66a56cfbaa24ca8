/** The server's limits and batching when none are given: the flags' defaults and the library's, said once. */
export const SERVE_DEFAULTS = {
  maxBody: 1 << 20,
  maxTexts: 1000,
  maxBatch: 512,
  batchWaitMs: 0,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
} as const;
