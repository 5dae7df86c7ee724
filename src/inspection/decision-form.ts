/**
 * The Accept / Refuse form of the pending page: the SAME decision service as POST /v1/decisions
 * (decide), with `by` = the person (actor). The answer is a notice for the list the browser is sent
 * back to (post/redirect/get): a reload re-reads the list and decides nothing; a second post on a
 * message already decided is "already decided", nothing changed.
 */
import type { FastifyRequest } from 'fastify'
import { actor } from '../accounts/actor.js'
import { isGatewayError } from '../errors.js'
import { decide } from '../services/decision-service.js'
import { getBlinker } from '../store/blinker-store.js'
import { getFeedback } from '../store/feedback-store.js'
import { statusLabel, type Lang } from '../i18n/index.js'
import type { Notice } from './pending-page.js'

export const NOTICES = ['done', 'already', 'closed', 'unknown', 'invalid', 'state'] as const
export type NoticeKind = (typeof NOTICES)[number]

/** Longest reason kept (the API's decision-request schema allows the same). */
export const REASON_MAX = 500

export async function decideFromForm(request: FastifyRequest, messageId: string, form: Record<string, string>): Promise<NoticeKind> {
  const ctx = request.envCtx
  const decision = form.decision
  const reason = (form.reason ?? '').trim()
  if ((decision !== 'ACCEPTED' && decision !== 'REFUSED') || reason.length > REASON_MAX) return 'invalid'
  const before = await getFeedback(ctx.redis, ctx.keys, messageId)
  if (!before) return 'unknown'
  if (before.status === 'ACCEPTED' || before.status === 'REFUSED') return 'already'
  try {
    await decide(ctx, actor(request), { messageId, decision, ...(reason ? { reason } : {}) })
    return 'done'
  } catch (err) {
    /* c8 ignore next -- Redis failures and the like: the page's error handler answers them */
    if (!isGatewayError(err)) throw err
    if (err.code === 'GW_ERR_BLINKER_CLOSED') return 'closed'
    if (err.code === 'GW_ERR_UNKNOWN_MESSAGE' || err.code === 'GW_ERR_UNKNOWN_BLINKER') return 'unknown'
    if (err.code === 'GW_ERR_ILLEGAL_TRANSITION') return 'state'
    /* c8 ignore next */
    throw err
  }
}

/** The notice to show on the list, read back from the records (nothing is taken from the URL but ids). */
export async function noticeFor(request: FastifyRequest, kind: NoticeKind, messageId: string | undefined, lang: Lang): Promise<Notice> {
  const ctx = request.envCtx
  const record = messageId ? await getFeedback(ctx.redis, ctx.keys, messageId) : undefined
  const blinker = record ? await getBlinker(ctx.redis, ctx.keys, record.blinkerId) : undefined
  const params = { messageId: messageId ?? '', blinkerId: record?.blinkerId ?? '', status: statusLabel(lang, record?.status ?? ''), blinkerStatus: statusLabel(lang, blinker?.status ?? '') }
  if (kind === 'done' && record && (record.status === 'ACCEPTED' || record.status === 'REFUSED')) {
    return { key: `pending.notice.${record.status}`, params: { ...params, status: params.blinkerStatus }, ok: true }
  }
  if (kind === 'done') return { key: 'pending.notice.unknown', params, ok: false }
  return { key: `pending.notice.${kind}`, params, ok: false }
}
