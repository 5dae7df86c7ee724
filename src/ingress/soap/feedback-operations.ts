/**
 * SOAP SubmitFeedback and GetFeedbackStatus: thin adapters over the service functions the REST
 * routes call (feedback-service.ts), so both syntaxes share rules, idempotency (a message sent over
 * REST and re-sent over SOAP is the same message) and errors. The adapter has already validated
 * the body against the XSD and mapped it to the model; the service still runs the JSON Schema,
 * which adds the identifier checksums an XSD pattern cannot express.
 * Imported once for its side effect by env-routes.ts.
 */
import { feedbackStatus, submitFeedback } from '../../services/feedback-service.js'
import { registerSoapOperation } from './operations.js'

registerSoapOperation('SubmitFeedback', {
  roles: ['software-house'],
  handle: (feedback, { envCtx, party, request }) => submitFeedback(envCtx, party, feedback, request.log),
})

registerSoapOperation('GetFeedbackStatus', {
  roles: ['software-house', 'inspection'],
  handle: async (input, { envCtx, party }) => {
    const view = await feedbackStatus(envCtx, party, input.messageId)
    return { messageId: view.messageId, blinkerId: view.blinkerId, code: view.code, status: view.status }
  },
})
