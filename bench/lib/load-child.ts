/**
 * Entry point of the load-generator process: receives one LoadSpec over IPC, runs it, sends the
 * LoadResult back and exits. Being its own process, it never competes with the server under test
 * for an event loop (only for the machine's cores, which the report states).
 */
import { runLoad, type LoadSpec } from './load-driver.js'

process.once('message', (spec: LoadSpec) => {
  runLoad(spec).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (err: unknown) => process.send?.({ error: (err as Error).message }, () => process.exit(1)),
  )
})
