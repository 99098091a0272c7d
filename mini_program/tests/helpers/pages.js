// Pages (built with Component()) rendered by miniprogram-simulate, as a user would see them.
const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.resolve(__dirname, '../..')

// Every page of app.json, main package and subpackages: 'pages/home/index', 'notices/pages/notice/index'…
const app = require('../../app.json')
const APP_PAGES = [
  ...app.pages,
  ...app.subPackages.flatMap(({ root, pages }) => pages.map((page) => `${root}/${page}`)),
]

// A page's path by its folder's name ('notice') where that is unique across the packages, else by
// its whole path ('volunteer/pages/index/index': each subpackage may have an index page).
function pagePath(name) {
  if (APP_PAGES.includes(name)) return name
  const matches = APP_PAGES.filter((page) => page.endsWith(`/${name}/index`))
  if (matches.length !== 1) throw new Error(`app.json has ${matches.length} pages named ${name}`)
  return matches[0]
}

// Jest keeps a module cached, so its Component() runs once: load each page once and render it
// afresh for every test. Each page registers the components it uses (the 代办 banner…) anew, so
// it is loaded with modules of its own, where their Component() runs again.
const loaded = {}

function load(name) {
  let id
  jest.isolateModules(() => {
    id = simulate.load(path.join(ROOT, pagePath(name)), { rootPath: ROOT })
  })
  return id
}

// Opens a page as navigating to it would (`query`: the url's parameters): rendered, attached,
// and its onLoad run to the end. (Its onShow, which follows, is the test's to run.)
async function openPage(name, query = {}) {
  const page = renderPage(name)
  if (page.instance.onLoad) await page.instance.onLoad(query)
  return page
}

// A page rendered and attached, before its onLoad.
function renderPage(name) {
  loaded[name] = loaded[name] || load(name)
  const page = simulate.render(loaded[name])
  page.attach(document.createElement('parent-wrapper'))
  return page
}

// Opens the page a navigateTo url ('/notices/pages/notice/index?id=n-1') names, with its parameters.
function openUrl(url) {
  const [, page, search] = url.match(/^\/(.*\/[^/]+\/index)(?:\?(.*))?$/)
  expect(APP_PAGES).toContain(page)
  return openPage(page, Object.fromEntries(new URLSearchParams(search || '')))
}

// The text a node shows, whitespace collapsed.
function textOf(node) {
  return node.dom.textContent.replace(/\s+/g, ' ').trim()
}

// Whether a node has the class `name` (miniprogram-simulate prefixes a page's classes: main--name).
function hasClass(node, name) {
  return node.dom.className.split(/\s+/).some((c) => c === name || c.endsWith(`--${name}`))
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

// Taps the choice labelled `label` in the choice-list component at `listSelector`.
function choose(page, listSelector, label) {
  const choices = page.querySelector(listSelector).querySelectorAll('.choice')
  const labels = choices.map(textOf)
  expect(labels).toContain(label)
  choices[labels.indexOf(label)].dispatchEvent('tap')
}

// Whom the 代办 banner at the top of a page says the user acts for: '' when for themselves.
function bannerText(page) {
  const who = page.querySelector('.acting-banner').querySelector('.who')
  return who ? textOf(who) : ''
}

module.exports = { ROOT, APP_PAGES, openPage, renderPage, openUrl, textOf, hasClass, accountLabels, accountButton, choose, bannerText }
