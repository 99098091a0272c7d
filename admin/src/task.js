import { reactive } from 'vue'

/** Async work behind a button: `task.run(work)` sets `busy` while it runs and keeps the message of
 * its failure in `error` (cleared on the next run). Resolves to the work's result, or undefined. */
export function useTask() {
  const task = reactive({
    busy: false,
    error: '',
    async run(work) {
      task.busy = true
      task.error = ''
      try {
        return await work()
      } catch (e) {
        task.error = e.message
      } finally {
        task.busy = false
      }
    },
  })
  return task
}
