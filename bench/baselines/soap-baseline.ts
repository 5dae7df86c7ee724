/**
 * The raw SOAP baseline: node-soap's server (soap.listen on a node:http server) with the gateway's
 * own WSDL, operation SubmitFeedback → queue.add(jobId = messageId) → SubmitFeedbackResponse.
 * No XSD validation (node-soap does none), no auth, no rules, no state: the gateway must beat it
 * while doing strictly more, which is what the 1.3× target checks.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { resolve } from 'node:path'
import * as soap from 'soap'
import { WSDL_DIR } from '../../src/paths.js'
import { isMain, need } from '../lib/main.js'
import { serveLocal, type LocalServer } from './local-http.js'
import { BASELINE_JOB_OPTIONS, feedbackQueue } from './rest-baseline.js'

interface SubmitFeedbackArgs {
  messageId: string
  blinkerId: string
  cpasKbo: string
  code: number
  sentAt: string
}

export type SoapBaseline = LocalServer

/** A listening node-soap server at /soap on 127.0.0.1:port (0 picks one). */
export async function soapBaseline(redisUrl: string, prefix: string, port: number): Promise<SoapBaseline> {
  const jobs = feedbackQueue(redisUrl, prefix)
  const wsdl = readFileSync(resolve(WSDL_DIR, 'blinker-gateway.wsdl'), 'utf8')
  const service = {
    BlinkerGatewayService: {
      BlinkerGatewaySoapPort: {
        SubmitFeedback: async (args: SubmitFeedbackArgs) => {
          const messageId = String(args.messageId).toLowerCase()
          await jobs.queue.add('forward', args, { ...BASELINE_JOB_OPTIONS, jobId: messageId })
          return { messageId, receivedAt: new Date().toISOString(), status: 'RECEIVED' }
        },
      },
    },
  }
  const server = createServer((req, res) => {
    // node-soap answers what is under its path; anything else is a plain 404 (and /health a 200).
    res.statusCode = req.url === '/health' ? 200 : 404
    res.end()
  })
  soap.listen(server, '/soap', service, wsdl)
  return serveLocal(server, port, () => jobs.close())
}

if (isMain(import.meta.url)) {
  const baseline = await soapBaseline(need('REDIS_URL'), need('BENCH_PREFIX'), Number(need('PORT')))
  process.once('SIGTERM', () => void baseline.close().then(() => process.exit(0)))
}
