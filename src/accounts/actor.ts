/**
 * Who to record in history and audit (`by`): the person when one is logged in through a browser
 * session (src/accounts/session-hook.ts), else the authenticated party (an API client's token or
 * certificate). Every service that records "who did it" takes this string.
 */
import type { FastifyRequest } from 'fastify'

export const actor = (request: FastifyRequest): string => request.person?.id ?? request.party.id
