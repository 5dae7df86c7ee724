/**
 * Interoperability with Python zeep (Debian's python3-zeep on the system Python, /usr/bin/python3,
 * not a pyenv python3 first on PATH): its client is built from the live WSDL and runs
 * publish-to-closed (tests/interop/foreign-stack.ts, tests/interop/zeep-client.py).
 */
import t from 'tap'
import { publishToClosed } from './foreign-stack.js'

const PYTHON = process.env.PYTHON_FOR_ZEEP ?? '/usr/bin/python3'

t.test('Python zeep: pull, acknowledge, feedback, status, Faults; closed over REST', async (t) => {
  await publishToClosed(t, PYTHON, ['tests/interop/zeep-client.py'])
})
