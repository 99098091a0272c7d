// A list loaded a page at a time (cursor pagination: first/after, pageInfo): the first page when
// the page opens, the next each time the user reaches the bottom. The page keeps it in its data
// (PAGED_DATA), beside `busy` and `error` (utils/busy).
const { whileBusy } = require('./busy')

const PAGE_SIZE = 20

const PAGED_DATA = {
  items: [],
  cursor: null, // where the next page starts (pageInfo.endCursor)
  hasMore: false,
  loaded: false, // the first page has arrived
}

// Loads the next page, unless one is on its way or there is none: `fetchPage({first, after})`
// resolves with {nodes, pageInfo}, the nodes already as the page shows them.
function loadNextPage(page, fetchPage) {
  const { busy, loaded, hasMore, cursor } = page.data
  if (busy || (loaded && !hasMore)) return Promise.resolve()
  return whileBusy(page, async () => {
    const { nodes, pageInfo } = await fetchPage({ first: PAGE_SIZE, after: cursor })
    page.setData({
      loaded: true,
      items: page.data.items.concat(nodes),
      cursor: pageInfo.endCursor,
      hasMore: pageInfo.hasNextPage,
    })
  })
}

module.exports = { PAGE_SIZE, PAGED_DATA, loadNextPage }
