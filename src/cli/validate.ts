/**
 * `blinker-gateway validate FILE [--type blinker|feedback]`: judges a message file offline with
 * the gateway's own validators (the same verdicts as POST /validate). JSON or XML by content. XML
 * may be a bare message, a bare `<Operation>Request`/`Response` element or a whole SOAP 1.1
 * envelope (judged by its Body), and the verdict line says which was found; --type, when given,
 * requires the XML to carry that message. JSON needs a type: from --type, else from the fields
 * (messageId → feedback; flow or finding → blinker); `{ "blinkers": [...] }` / `{ "feedback": [...] }`
 * batches are judged item by item. Exit 0 valid, 1 invalid (one problem per line), 2 usage or I/O error.
 */
import { readFileSync } from 'node:fs'
import { isGatewayError, type FieldError } from '../errors.js'
import { MESSAGE_TYPES, validateMessage, type MessageType } from '../validation/validate-message.js'
import { describeFound, judgeXml, type Found } from '../validation/xml-judge.js'
import { EXIT, type CliCommand, type CliIo } from './io.js'

const USAGE = `Usage: blinker-gateway validate FILE [--type blinker|feedback]

Checks a blinker or feedback message, JSON or XML, against the published schemas and the
identifier checks (kbo, niss). An XML file may also be a SOAP operation element
(<GetBlinkersRequest>, <SubmitFeedbackResponse>...) or a whole SOAP 1.1 envelope, whose Body is
judged; the verdict says which was found. A JSON file may also hold a batch:
{ "blinkers": [...] } or { "feedback": [...] }.

  --type T   blinker or feedback; XML: require that message (bare, as SubmitFeedbackRequest,
             or in an envelope); JSON: default from the fields
  FILE       a path, or - for standard input

Exit status: 0 valid, 1 invalid (each problem on its own line, with its line or path),
2 wrong usage or unreadable file.`

const BATCH_KEYS: Readonly<Record<MessageType, string>> = { blinker: 'blinkers', feedback: 'feedback' }
const MAX_BATCH = 1000

class UsageError extends Error {}

const isMessageType = (value: string): value is MessageType => Object.hasOwn(MESSAGE_TYPES, value)

function parseArgs(args: readonly string[]): { file: string; type?: MessageType } {
  const files: string[] = []
  let type: MessageType | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--type' || arg.startsWith('--type=')) {
      const value = arg === '--type' ? args[++i] : arg.slice('--type='.length)
      if (value === undefined || !isMessageType(value)) throw new UsageError(`--type must be blinker or feedback, not ${JSON.stringify(value ?? '')}`)
      type = value
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`)
    } else {
      files.push(arg)
    }
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'FILE is required' : 'give exactly one FILE')
  return type ? { file: files[0] as string, type } : { file: files[0] as string }
}

interface Judged {
  /** Undefined when the file could not even be read as JSON. */
  type?: MessageType
  /** What an XML file turned out to be (undefined for JSON, or XML of no accepted form). */
  found?: Found
  count: number
  errors: FieldError[]
}

function judgeXmlFile(text: string, given: MessageType | undefined): Judged {
  try {
    const { found, errors } = judgeXml(text, given)
    return { ...(given ? { type: given } : {}), ...(found ? { found } : {}), count: 1, errors }
  } catch (err) {
    if (!isGatewayError(err)) throw err
    return { ...(given ? { type: given } : {}), count: 1, errors: err.errors?.length ? err.errors : [{ message: `${err.code}: ${err.message}` }] }
  }
}

function inferJsonType(value: Record<string, unknown>): MessageType | undefined {
  if ('messageId' in value) return 'feedback'
  if ('flow' in value || 'finding' in value) return 'blinker'
  return undefined
}

function judgeJson(text: string, given: MessageType | undefined): Judged {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { ...(given ? { type: given } : {}), count: 1, errors: [{ message: `neither XML nor valid JSON: ${(err as Error).message}` }] }
  }
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  const batchType = object && (Object.keys(BATCH_KEYS) as MessageType[]).find((t) => Array.isArray(object[BATCH_KEYS[t]]))
  if (object && batchType) {
    if (given && given !== batchType) throw new UsageError(`the file holds a ${batchType} batch, not ${given}`)
    const key = BATCH_KEYS[batchType]
    const items = object[key] as unknown[]
    const errors: FieldError[] = Object.keys(object)
      .filter((k) => k !== key)
      .map((k) => ({ path: `/${k}`, message: 'is not allowed' }))
    if (items.length === 0 || items.length > MAX_BATCH) errors.push({ path: `/${key}`, message: `must hold 1 to ${MAX_BATCH} items` })
    items.forEach((item, i) => errors.push(...validateMessage(batchType, item, `/${key}/${i}`)))
    return { type: batchType, count: items.length, errors }
  }
  const type = given ?? (object ? inferJsonType(object) : undefined)
  if (!type) throw new UsageError('cannot tell the message type from the JSON fields; pass --type blinker|feedback')
  return { type, count: 1, errors: validateMessage(type, value) }
}

const describe = (e: FieldError, file: string): string =>
  `${file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.path !== undefined ? `${e.path}: ` : ''}${e.message}`

async function run(args: string[], io: CliIo): Promise<number> {
  let file: string
  let judged: Judged
  try {
    const parsed = parseArgs(args)
    file = parsed.file
    let bytes: Buffer
    try {
      bytes = readFileSync(file === '-' ? 0 : file)
    } catch (err) {
      io.err(`blinker-gateway validate: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
      return EXIT.USAGE
    }
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes) // strips a BOM
    } catch {
      io.out(`${file}: not valid UTF-8`)
      return EXIT.FAILED
    }
    judged = text.trimStart().startsWith('<') ? judgeXmlFile(text, parsed.type) : judgeJson(text, parsed.type)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    io.err(`blinker-gateway validate: ${err.message}\n\n${USAGE}`)
    return EXIT.USAGE
  }
  const noun = judged.found ? describeFound(judged.found) : (judged.type ?? 'message')
  const what = judged.count === 1 ? noun : `${judged.count} ${noun === 'blinker' ? 'blinkers' : 'feedback messages'}`
  if (judged.errors.length === 0) {
    io.out(`${file}: valid ${what}`)
    return EXIT.OK
  }
  for (const e of judged.errors) io.out(describe(e, file))
  io.out(`${file}: invalid ${what} (${judged.errors.length} problem${judged.errors.length === 1 ? '' : 's'})`)
  return EXIT.FAILED
}

export const validateCommand: CliCommand = {
  summary: 'check a blinker or feedback message file (JSON or XML), a SOAP element or envelope',
  usage: USAGE,
  run,
}
