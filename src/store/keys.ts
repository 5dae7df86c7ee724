/**
 * Every Redis key of an environment, in one place. `p` is the EnvContext's `keys` prefix
 * (e.g. `bgw:acceptance:`), so acceptance and production never touch each other's keys.
 */
export const keys = {
  /** HASH: doc (published JSON), digest, status, publishedAt, updatedAt, cpas, seq. */
  blinker: (p: string, blinkerId: string) => `${p}blinker:${blinkerId}`,
  /** LIST of HistoryEntry JSON, oldest first. */
  blinkerHistory: (p: string, blinkerId: string) => `${p}blinker:${blinkerId}:history`,
  /** STREAM per CPAS: the pull mailbox in publication order; field `id` = blinkerId. */
  mailbox: (p: string, kbo: string) => `${p}mailbox:${kbo}`,
  /** ZSET job id → time: recorded with the state change, cleared once the job is added. */
  outbox: (p: string, queue: string) => `${p}outbox:${queue}`,
  /** HASH per software house: url, secret, updatedAt (the push subscription; the secret signs bodies). */
  subscription: (p: string, partyId: string) => `${p}subscription:${partyId}`,
  /** HASH status → number of blinkers in it (kept by the transition script; publication adds PUBLISHED). */
  statusCounts: (p: string) => `${p}stats:status`,
  /**
   * HASH per feedback message, keyed by the normalized (lower-case) messageId: doc (canonical
   * feedback JSON), digest (sha256 of doc), receipt (the first receipt JSON), status, receivedAt,
   * updatedAt, blinkerId, cpas, code, kind, party (sending software house), forwardedAt?, decision?
   */
  feedback: (p: string, messageId: string) => `${p}feedback:${messageId}`,
  /** LIST of HistoryEntry JSON of a feedback message, oldest first. */
  feedbackHistory: (p: string, messageId: string) => `${p}feedback:${messageId}:history`,
  /** STREAM: the built-in inspection inbox (used when INSPECTION_URL is unset); field `messageId`, `body`. */
  inspectionInbox: (p: string) => `${p}inspection:inbox`,
  /** BullMQ prefix of this environment's queues. */
  queuePrefix: (p: string) => `${p}q`,
}
