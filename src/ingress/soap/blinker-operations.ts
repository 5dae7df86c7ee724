/**
 * SOAP GetBlinkers and AcknowledgeBlinker: thin adapters over the very service functions the REST
 * routes call (same pages, same cursor, same errors, same idempotency). Imported once for its side
 * effect by env-routes.ts, which plugs the handlers into the SOAP operation registry.
 */
import { acknowledgeBlinker } from '../../services/blinker-service.js'
import { pullMailbox } from '../../services/mailbox-service.js'
import { registerSoapOperation } from './operations.js'

registerSoapOperation('GetBlinkers', {
  roles: ['software-house'],
  // `next` is always sent, as in REST: the cursor to poll with next time.
  handle: (input, { envCtx, party }) => pullMailbox(envCtx, party, input.cpasKbo, input.after, input.limit),
})

registerSoapOperation('AcknowledgeBlinker', {
  roles: ['software-house'],
  handle: (input, { envCtx, party }) => acknowledgeBlinker(envCtx, party, input.blinkerId),
})
