// Runs a page's request, showing it is under way in the page's `busy` and its failure in `error`.
async function whileBusy(page, task) {
  page.setData({ busy: true, error: '' })
  try {
    await task()
  } catch (err) {
    page.setData({ error: err.message })
  } finally {
    page.setData({ busy: false })
  }
}

module.exports = { whileBusy }
