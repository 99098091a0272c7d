// Pages (built with Component()) rendered by miniprogram-simulate, as a user would see them.
const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.resolve(__dirname, '../..')

// Jest keeps the page's module cached, so its Component() runs once: load each page once and
// render it afresh for every test.
const loaded = {}

// Opens a page as navigating to it would: rendered, attached, and its onLoad run to the end.
async function openPage(name) {
  loaded[name] = loaded[name] || simulate.load(path.join(ROOT, 'pages', name, 'index'), { rootPath: ROOT })
  const page = simulate.render(loaded[name])
  page.attach(document.createElement('parent-wrapper'))
  if (page.instance.onLoad) await page.instance.onLoad({})
  return page
}

// The text a node shows, whitespace collapsed.
function textOf(node) {
  return node.dom.textContent.replace(/\s+/g, ' ').trim()
}

// The login page's demo accounts, as the labels a user reads on their buttons.
function accountLabels(page) {
  return page.querySelectorAll('.account-label').map(textOf)
}

function accountButton(page, label) {
  const labels = accountLabels(page)
  expect(labels).toContain(label)
  return page.querySelectorAll('.account')[labels.indexOf(label)]
}

module.exports = { openPage, textOf, accountLabels, accountButton }
