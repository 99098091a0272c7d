// "Load more" over a GraphQL connection ({nodes, pageInfo {hasNextPage, endCursor}}).
import { reactive } from 'vue'

/** `fetchPage({first, after})` resolves to a connection. The list's fields are reactive; reload()
 * starts over (say, with new filters) and loadMore() appends the next page. */
export function usePagedList(fetchPage, pageSize = 20) {
  let cursor = null
  let generation = 0 // a reload outdates every page still on its way

  async function load(reset) {
    const mine = reset ? ++generation : generation
    list.loading = true
    list.error = ''
    try {
      const page = await fetchPage({ first: pageSize, after: reset ? null : cursor })
      if (mine !== generation) return
      list.items = reset ? page.nodes : [...list.items, ...page.nodes]
      list.hasMore = page.pageInfo.hasNextPage
      cursor = page.pageInfo.endCursor
    } catch (e) {
      if (mine === generation) list.error = e.message
    } finally {
      if (mine === generation) list.loading = false
    }
  }

  const list = reactive({
    items: [],
    hasMore: false,
    loading: false,
    error: '',
    reload: () => load(true),
    loadMore: () => load(false),
  })
  return list
}
