// Page-by-page over a GraphQL connection ({nodes, totalCount?, pageInfo {hasNextPage, endCursor}}).
// Cursors only go forward, so the list keeps the cursor of every page it has shown to go back.
import { reactive } from 'vue'

/** The server counts no further (backend/core/limits.py TOTAL_COUNT_CAP). */
export const TOTAL_COUNT_CAP = 10_000

/** "共 37 条", or "共 10000+ 条" when the server stopped counting. */
export const totalLabel = (total) => `共 ${total >= TOTAL_COUNT_CAP ? `${TOTAL_COUNT_CAP}+` : total} 条`

/** `fetchPage({first, after})` resolves to a connection. The list's fields are reactive: reload()
 * starts over at page 1 (say, with new filters), next() and previous() turn the page, refresh()
 * shows the current page again (after a change). */
export function usePagedList(fetchPage, pageSize = 20) {
  let cursors = [null] // cursors[i]: the `after` of page i + 1
  let generation = 0 // a newer load outdates every page still on its way

  async function show(index) {
    const mine = ++generation
    list.loading = true
    list.error = ''
    try {
      const page = await fetchPage({ first: pageSize, after: cursors[index] })
      if (mine !== generation) return
      list.items = page.nodes
      list.total = page.totalCount ?? null
      list.page = index + 1
      list.hasMore = page.pageInfo.hasNextPage
      cursors = [...cursors.slice(0, index + 1), page.pageInfo.endCursor]
    } catch (e) {
      if (mine === generation) list.error = e.message
    } finally {
      if (mine === generation) list.loading = false
    }
  }

  const list = reactive({
    items: [],
    total: null, // null when the connection has no totalCount
    page: 1,
    hasMore: false,
    loading: false,
    error: '',
    reload: () => {
      cursors = [null]
      return show(0)
    },
    refresh: () => show(list.page - 1),
    next: () => show(list.page),
    previous: () => show(list.page - 2),
  })
  return list
}
