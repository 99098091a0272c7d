// What holds on every page of app.json (main package and subpackages): 长辈模式 reaches it, the
// theme's colours are readable (WCAG contrast of at least 4.5:1), and its links lead to pages that
// exist.
const fs = require('fs')
const path = require('path')
const { installWx } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { ROOT, APP_PAGES, renderPage, hasClass } = require('./helpers/pages')
const { setElderMode } = require('../utils/elderMode')

const read = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8')

// The mini-program's own files (not its tests or node_modules), by extension.
function sources(extension, dir = ROOT) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return ['node_modules', 'tests'].includes(entry.name) ? [] : sources(extension, full)
    return entry.name.endsWith(extension) ? [path.relative(ROOT, full)] : []
  })
}

beforeEach(() => {
  installWx(fakeBackend().serve)
})

describe.each(APP_PAGES)('长辈模式 on %s', (page) => {
  const isElder = () => hasClass(renderPage(page).querySelector('.page'), 'elder')
  const fontSize = (fontSizeSetting) => { wx.getAppBaseInfo = () => ({ fontSizeSetting }) }

  test('its root view takes the elder class', () => {
    expect(read(`${page}.wxml`)).toMatch(/<view class="page \{\{elderMode \? 'elder' : ''\}\}">/)
    expect(isElder()).toBe(false)
    setElderMode(true)
    expect(isElder()).toBe(true)
  })

  test('on by itself with a large font on the phone, unless switched off', () => {
    fontSize(22)
    expect(isElder()).toBe(true)
    setElderMode(false)
    expect(isElder()).toBe(false)
  })
})

describe('the theme (app.wxss)', () => {
  const theme = read('app.wxss')

  // Each custom property's values (elder mode sets some again), by name.
  const declared = {}
  for (const [, name, value] of theme.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})\s*;/gi)) {
    declared[name] = [...(declared[name] || []), value]
  }
  const group = (prefix) => Object.entries(declared)
    .filter(([name]) => name.startsWith(prefix))
    .flatMap(([name, values]) => values.map((value) => [name, value]))

  // WCAG 2 relative luminance and contrast ratio.
  function luminance(hex) {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  function contrast(a, b) {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (light + 0.05) / (dark + 0.05)
  }
  const pairs = (foregrounds, backgrounds) => foregrounds.flatMap(([fg, fgValue]) =>
    backgrounds.map(([bg, bgValue]) => ({ pair: `--${fg} ${fgValue} on --${bg} ${bgValue}`, ratio: contrast(fgValue, bgValue) })))
  const unreadable = (list) => list.filter(({ ratio }) => ratio < 4.5).map(({ pair, ratio }) => `${pair}: ${ratio.toFixed(2)}`)

  test('reads its own arithmetic right', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21)
    expect(contrast('#8f959e', '#f5f6f7')).toBeCloseTo(2.79, 2) // the hint grey it replaced
  })

  test('every text colour on every surface, and white on every fill, has a contrast of at least 4.5:1', () => {
    const texts = group('text-')
    const surfaces = group('surface-')
    const fills = group('fill-')
    expect(texts.length * surfaces.length * fills.length).toBeGreaterThan(0)
    expect(unreadable(pairs(texts, surfaces))).toEqual([])
    expect(unreadable(pairs(group('on-fill'), fills))).toEqual([])
  })

  test('no stylesheet uses a colour of its own, nor a theme colour that is not declared', () => {
    const stylesheets = sources('.wxss')
    expect(stylesheets).toEqual(expect.arrayContaining(['app.wxss', 'notices/pages/notice/index.wxss']))
    for (const file of stylesheets) {
      const rules = read(file).replace(/--[a-z-]+:\s*#[0-9a-f]{6}\s*;/gi, '') // the theme's declarations
      expect({ file, colours: rules.match(/#[0-9a-f]{3,8}\b|rgba?\(/gi) || [] }).toEqual({ file, colours: [] })
      const undeclared = [...rules.matchAll(/var\(--([a-z-]+)\)/g)].map(([, name]) => name).filter((name) => !declared[name])
      expect({ file, undeclared }).toEqual({ file, undeclared: [] })
    }
  })

  test('in elder mode every button is at least 120rpx (60 px) high', () => {
    const rule = theme.match(/\.elder button,[^{]*\{([^}]*)\}/)
    expect(rule[1]).toMatch(/min-height:\s*120rpx/)
  })
})

test('every page a link names is in app.json', () => {
  const linked = sources('.js').concat(sources('.wxml'))
    .flatMap((file) => [...read(file).matchAll(/['"`]\/((?:[a-z-]+\/)*pages\/[a-z-]+\/index)/g)].map(([, page]) => page))
  expect(linked.length).toBeGreaterThan(10)
  expect([...new Set(linked)].filter((page) => !APP_PAGES.includes(page))).toEqual([])
})

test('app.js takes its server from config.js and listens for WeChat\'s privacy question at launch', () => {
  const { API_BASES } = require('../config')
  wx.getAccountInfoSync = () => ({ miniProgram: { envVersion: 'trial' } })
  wx.onNeedPrivacyAuthorization = jest.fn()
  let app
  global.App = (options) => { app = options }
  jest.isolateModules(() => require('../app'))

  expect(app.globalData.apiBase).toBe(API_BASES.trial)
  app.onLaunch()
  expect(wx.onNeedPrivacyAuthorization).toHaveBeenCalledWith(expect.any(Function))
})
