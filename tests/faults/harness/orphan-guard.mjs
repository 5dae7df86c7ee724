/* global process, setInterval */
// Preloaded (node --import) into the gateway and worker processes the fault suite starts: when the
// suite's process is gone (a test runner timeout SIGKILLs it), the child ends too instead of living
// on as an orphan. Plain JS, so the compiled gateway needs no TypeScript loader to use it.
const parent = Number(process.env.FAULTS_PARENT_PID)
if (parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0)
    } catch {
      process.kill(process.pid, 'SIGKILL')
    }
  }, 500).unref()
}
