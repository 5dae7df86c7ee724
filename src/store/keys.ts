/**
 * Every Redis key of an environment, in one place. `p` is the EnvContext's `keys` prefix
 * (e.g. `bgw:acceptance:`), so acceptance and production never touch each other's keys.
 */
export const keys = {
  /** HASH: doc (published JSON), digest, status, publishedAt, updatedAt, cpas, seq (or tseq: held for the transition list, see transitionList), fstat (`{period}|{regime}|{flow}`), party (serving software house at publication; absent for Excel lists). */
  blinker: (p: string, blinkerId: string) => `${p}blinker:${blinkerId}`,
  /** LIST of HistoryEntry JSON, oldest first. */
  blinkerHistory: (p: string, blinkerId: string) => `${p}blinker:${blinkerId}:history`,
  /** STREAM per CPAS: the pull mailbox in publication order; field `id` = blinkerId. */
  mailbox: (p: string, kbo: string) => `${p}mailbox:${kbo}`,
  /**
   * STREAM per CPAS: blinkers held back from the mailbox and push because the CPAS's software house
   * does not accept their flow (src/flows/flow-acceptance.ts); field `id` = blinkerId, the record's
   * `tseq` = the entry id. The monthly transition list reads it beside the mailbox.
   */
  transitionList: (p: string, kbo: string) => `${p}transition:${kbo}`,
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
  /** Prefix of the rate-limit counters (STRING with PTTL per party: `${p}ratelimit:{partyId}`). */
  rateLimit: (p: string) => `${p}ratelimit:`,
  /** Prefix of the failed-authentication counters (STRING with PTTL): `a:{address}`, `p:{sha256(party) 32 hex}:{address}` (src/security/auth-throttle.ts). */
  authFailures: (p: string) => `${p}authfail:`,
  /** STREAM: the hash-chained audit trail; fields at, env, party, role, …, prev, hash (src/security/audit-trail.ts). */
  audit: (p: string) => `${p}audit`,
  /** STRING counter: the sequence of sandbox blinker ids (CLI-YYYY-9xxxxxxxx), acceptance only. */
  sandboxSeq: (p: string) => `${p}sandbox:seq`,
  /** SET per CPAS: blinkerIds the sandbox created (the only blinkers sandbox reset/decisions touch). */
  sandboxBlinkers: (p: string, kbo: string) => `${p}sandbox:blinkers:${kbo}`,
  /** STRING per software house: JSON of its latest SELF-REPORTED conformance run (acceptance; information only, opens nothing). */
  conformanceLatest: (p: string, partyId: string) => `${p}conformance:${partyId}:latest`,
  /**
   * STRING per software house: JSON `{ partyId, runId, passedAt, gatewayVersion, scenarios }` of its
   * latest FULL pass of a run the gateway judged (acceptance; read by the production gate and the
   * barometer's "approved"; deleted by an operator's revoke). Not the old `:pass` key, which held
   * self-reported passes: those open nothing any more.
   */
  conformancePass: (p: string, partyId: string) => `${p}conformance:${partyId}:judged`,
  /** STRING per software house, PX = until the run's deadline: the id of its run in progress (the run log appends only while it exists). */
  conformanceActive: (p: string, partyId: string) => `${p}conformance:${partyId}:active`,
  /** STRING per software house, EX = run retention: the id of its latest judged run (operator listing). */
  conformanceLastRun: (p: string, partyId: string) => `${p}conformance:${partyId}:run`,
  /** STRING per software house: JSON `{ at, by, reason, runId }` of the operator's latest revocation of its pass. */
  conformanceRevoked: (p: string, partyId: string) => `${p}conformance:${partyId}:revoked`,
  /** STRING per judged run, EX = run retention: JSON of the run (party, plan, started, deadline, and its frozen judgment once final). */
  conformanceRun: (p: string, runId: string) => `${p}conformance:run:${runId}`,
  /** LIST per judged run, EX = run retention, newest CONFORMANCE_LOG_MAX kept: compact JSON of the party's refused and state-changing requests during the run (src/onboarding/conformance-run-log.ts). */
  conformanceRunLog: (p: string, runId: string) => `${p}conformance:run:${runId}:log`,
  /** STRING with PX = the replay window: a WS-Security signature already received (sha256 of its SignatureValue). */
  wssSeen: (p: string, signatureSha256: string) => `${p}wss:seen:${signatureSha256}`,
  /** HASH per period (YYYY): `{regime}:{kbo}` → files, the rate denominators (PUT /v1/statistics/files). */
  statsFiles: (p: string, period: string) => `${p}stats:files:${period}`,
  /** HASH per period: `{regime}:{kbo}:n` → distinct beneficiaries with a blinker, `…:b` → blinkers (publish script). */
  statsCpas: (p: string, period: string) => `${p}stats:cpas:${period}`,
  /** SET per period, regime and CPAS: beneficiaries with a blinker, as '1' + NISS (an integer: small sets stay intsets). */
  statsBeneficiaries: (p: string, period: string, regime: string, kbo: string) => `${p}stats:benef:${period}:${regime}:${kbo}`,
  /** SET of periods (YYYY) with blinkers or files. */
  statsPeriods: (p: string) => `${p}stats:periods`,
  /** HASH `{period}|{regime}|{flow}|{code}` → feedback messages accepted for storage (feedback script). */
  statsFeedback: (p: string) => `${p}stats:feedback`,
  /** HASH `{period}|{regime}|{flow}|{code}|{ACCEPTED|REFUSED}` → the inspection's decisions, counted in the decision script (src/store/decision-stats.ts). */
  statsDecisions: (p: string) => `${p}stats:decisions`,
  /** HASH per blinker period (YYYY) `{measure}|{dim}|{bucket}` → events: the timeliness histograms (dim `all`, `f:{flow}`, `c:{kbo}`, `p:{party}`), counted in the publication and transition steps (src/store/timeliness-counters.ts); nothing per blinker. */
  timeliness: (p: string, period: string) => `${p}tl:${period}`,
  /** Legacy ZSET blinkerId → publishedAt ms of open blinkers: no longer written nor read (open blinkers by age come from blinkerIndex); deletable after `reindex`. */
  statsOpen: (p: string) => `${p}stats:open`,
  /** HASH `{YYYY-MM}|{regime}` → blinkers by the month their form period starts (monthly trend). */
  statsMonths: (p: string) => `${p}stats:months`,
  /** HASH `{period}|{flow}` → blinkers held for the transition list because the software house does not accept the flow (publish script; the key is derived there from statusCounts). */
  statsNotAccepted: (p: string) => `${p}stats:notaccepted`,
  /** HASH kbo → JSON `{ fr?, nl?, updatedAt }`: the CPAS directory's names (PUT /v1/cpas, src/cpas/). */
  cpasDirectory: (p: string) => `${p}cpas:directory`,
  /** STRING with PX: held by the worker process running this interval's retention (src/retention/). */
  retentionLock: (p: string) => `${p}retention:lock`,
  /** HASH per CPAS follow-up (src/follow-up/): doc (JSON with visits, actions, history), status, cpas, version (compare-and-set). */
  followUp: (p: string, id: string) => `${p}followup:${id}`,
  /** STRING counter: the sequence of follow-up ids (FU-000001, …). */
  followUpSeq: (p: string) => `${p}followup:seq`,
  /** SET per CPAS: the ids of its follow-ups. */
  followUpsOfCpas: (p: string, kbo: string) => `${p}followups:cpas:${kbo}`,
  /** ZSET per status (OPEN, PLAN_AGREED, MONITORING, CLOSED): follow-up id → openedAt ms; `ALL` holds every follow-up. */
  followUpsByStatus: (p: string, status: string) => `${p}followups:status:${status}`,
  /** HASH per browser session, keyed by the SHA-256 of its cookie id (src/accounts/session-store.ts): person, name, env, csrf, created, seen; PX = what is left of it. */
  session: (p: string, idSha256: string) => `${p}session:${idSha256}`,
  /** STRING with PX 10 min: JSON of one OIDC login in progress (PKCE verifier, nonce, next), keyed by its state (src/accounts/oidc-login.ts). */
  oidcLogin: (p: string, state: string) => `${p}oidc:login:${state}`,
  /**
   * Prefix of the feedback search index (src/store/feedback-index.ts): ZSETs messageId → receivedAt
   * ms, one per status (`{status}`) and per status × filter (`{status}|c:{kbo}`, `|p:{party}`,
   * `|f:{flow}`, `|k:{code}`, `|fk:{flow}:{code}`), written in the same Lua step as the record.
   */
  feedbackIndex: (p: string) => `${p}ix:fb:`,
  /** Prefix of the blinker search index (src/store/blinker-index.ts): ZSETs blinkerId → publishedAt ms per `{status}` and `{status}|c:{kbo}`. */
  blinkerIndex: (p: string) => `${p}ix:bl:`,
  /**
   * Barometer (src/store/barometer-counters.ts): HASH per party (software house id, or `excel:{kbo}`
   * for a CPAS on Excel lists) and half-year `{YYYY}H{1|2}` of counters (fields in BARO_FIELDS).
   */
  baroHalf: (p: string, partyId: string, half: string) => `${p}baro:${partyId}:${half}`,
  /** Barometer pending checks, ZSET blinkerId → start ms per party: `ack` (delivered, not acknowledged yet), `c2` (code 2, no form D yet); an entry leaves when the awaited event (or a close) comes. */
  baroPending: (p: string, partyId: string, check: 'ack' | 'c2') => `${p}baro:${partyId}:${check}`,
  /** BullMQ prefix of this environment's queues. */
  queuePrefix: (p: string) => `${p}q`,
}
