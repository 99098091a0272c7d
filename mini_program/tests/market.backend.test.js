/**
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
// Node's export conditions, so `ws` resolves to its Node client (see realSockets).
// 跳蚤市场 against the real backend (the demo community: 志愿者 小林 sells, 张阿姨 buys; one phone,
// signed in as each in turn, and the others "on other phones" straight over HTTP):
// (a) 小林 publishes a pump with a photo on the publish page; 张阿姨 finds it by searching 自行,
//     reserves it and reads her handover code; they exchange messages, 小林's reply reaching her open
//     conversation live (over a real websocket) with his phone number hidden; 小林 enters her code and
//     rates her, she rates him, and each then sees the other's rating.
// (b) three verified neighbours report a listing: it is gone from 张阿姨's search at once; the
//     committee restores it (the console's ModerationDecide) and she finds it again.
const fs = require('fs')
const os = require('os')
const path = require('path')
const NodeWebSocket = require('ws')
const { until } = require('./helpers/wx')
const { openPage, openUrl, textOf, choose } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')

const { graphql } = useRealBackend()

// A real 1×1 PNG: the server decodes and re-encodes every photo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
const INDEX = 'market/pages/index/index'
const WAIT_MS = 10000

const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)
const text = (page, selector) => textOf(page.querySelector(selector))
const idle = (page) => until(() => expect(page.instance.data.busy).toBeFalsy(), WAIT_MS)
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))
const type = (page, selector, value) => page.querySelector(selector).dispatchEvent('input', { detail: { value } })
const unique = (title) => `${title} ${Math.random().toString(16).slice(2, 6)}`

async function tap(page, selector, check) {
  page.querySelector(selector).dispatchEvent('tap')
  await until(check, WAIT_MS)
  await idle(page)
}

async function pick(page, list, label) {
  await until(() => expect(texts(page.querySelector(list), '.choice')).toContain(label), WAIT_MS)
  choose(page, list, label)
  await until(() => expect(texts(page.querySelector(list), '.chosen')).toEqual([label]))
}

// The url the page navigated to last, forgotten so the next one is the only one.
function lastNavigation(api = 'navigateTo') {
  const { url } = wx[api].mock.calls.at(-1)[0]
  wx[api].mockClear()
  return url
}

// A demo resident's access token, as their own phone would hold it.
async function tokenOf(handle) {
  const { authDemoLogin } = await graphql('DemoLogin', { handle })
  return authDemoLogin.tokens.accessToken
}

// One mini-program (or, with `client`, console) operation as `token`: its payload, its errors checked.
async function act(token, operation, variables, client = 'mini_program') {
  const payload = Object.values(await graphql(operation, variables, token, client))[0]
  expect(payload.errors).toEqual([])
  return payload
}

// wx.connectSocket on a real websocket, so a page's subscription reaches the server; the frames the
// server sends are kept, to tell what arrived live. Node's `ws`, not jsdom's WebSocket: a
// mini-program's socket is no web page's and sends no Origin, which the server turns away for
// pages of other origins.
function realSockets() {
  const received = []
  wx.connectSocket = ({ url, protocols }) => {
    const ws = new NodeWebSocket(url, protocols)
    return {
      send: ({ data }) => ws.send(data),
      close: ({ code = 1000 } = {}) => ws.close(code),
      onOpen: (handler) => { ws.onopen = () => handler({}) },
      onMessage: (handler) => {
        ws.onmessage = ({ data }) => {
          received.push(JSON.parse(data))
          handler({ data })
        }
      },
      onClose: (handler) => { ws.onclose = ({ code }) => handler({ code }) },
      onError: (handler) => { ws.onerror = () => handler({}) },
    }
  }
  return { liveMessages: () => received.filter((f) => f.type === 'next').map((f) => f.payload.data.marketMessages.body) }
}

// 张阿姨's search on the market page for `query`: the titles it finds.
async function searchFor(query) {
  const index = await openPage(INDEX)
  await idle(index)
  type(index, '.search-input', query)
  await tap(index, '.search', () => expect(index.instance.data.loaded).toBe(true))
  return { index, titles: texts(index, '.listing-title') }
}

test('小林 publishes with a photo → 张阿姨 finds it by 自行 and reserves → they talk, live → her code hands it over → both rate, each sees the other\'s', async () => {
  const title = unique('自行车打气筒')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-market-'))
  const photo = path.join(dir, 'pump.png')
  fs.writeFileSync(photo, PNG)
  const live = realSockets()

  await signIn('志愿者')
  wx.chooseMedia = jest.fn((options) => options.success({ tempFiles: [{ tempFilePath: photo }] }))
  const publish = await openPage('publish')
  await idle(publish)
  await pick(publish, '.kinds', '出售')
  await pick(publish, '.categories', '运动户外')
  await pick(publish, '.conditions', '几乎全新')
  type(publish, '.title-input', title)
  type(publish, '.description-input', '买了没用几次，带两个气嘴')
  type(publish, '.price-input', '35')
  const [home] = texts(publish.querySelector('.places'), '.choice')
  await pick(publish, '.places', home)
  await tap(publish, '.choose-photos', () => expect(publish.querySelectorAll('.photo')).toHaveLength(1))
  await tap(publish, '.publish', () => expect(wx.redirectTo).toHaveBeenCalled())
  expect(publish.instance.data.errors).toEqual({})
  toasted('已发布')
  const listingId = decodeURIComponent(lastNavigation('redirectTo').split('id=')[1])
  fs.rmSync(dir, { recursive: true, force: true })

  await signIn('居民')
  const { index, titles } = await searchFor('自行')
  expect(titles).toContain(title)
  index.querySelectorAll('.listing-card')[titles.indexOf(title)].dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalled())
  const listing = await openUrl(lastNavigation())
  await idle(listing)
  expect(text(listing, '.listing-title')).toBe(title)
  expect(text(listing, '.listing-price')).toBe('¥35')
  expect(text(listing, '.verified-badge')).toBe('已认证住户')
  expect(listing.querySelectorAll('.photo')).toHaveLength(1)
  expect(listing.querySelector('.pickup-room')).toBeUndefined() // the room only once she is the buyer
  await tap(listing, '.reserve', () => expect(wx.navigateTo).toHaveBeenCalled())
  toasted('已预订')
  const dealUrl = lastNavigation()
  const deal = await openUrl(dealUrl)
  await idle(deal)
  const code = text(deal, '.handover-code')
  expect(code).toMatch(/^\d{6}$/)
  expect(text(deal, '.deal-room')).not.toBe('')

  await listing.instance.onShow()
  await idle(listing)
  listing.querySelector('.contact').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalled())
  const chat = await openUrl(lastNavigation())
  await idle(chat)
  type(chat, '.body-input', '今晚七点楼下取，可以吗？')
  await tap(chat, '.send', () => expect(chat.instance.data.conversationId).not.toBe(''))
  toasted('已发送')
  const { conversationId } = chat.instance.data
  // No frame tells when the server has registered the subscription: 小林 writes from his phone until
  // one of his messages reaches her open conversation over the socket (at most 20 tries, within the
  // messages' rate limit).
  const seller = await tokenOf('volunteer')
  for (let n = 1; !live.liveMessages().length; n += 1) {
    if (n > 20) throw new Error('none of 小林\'s messages arrived live')
    await act(seller, 'MarketMessageSend', { input: { conversationId, body: `可以，七点见，到了打 13912345678（${n}）` } })
    await until(() => expect(live.liveMessages()).not.toHaveLength(0), 500).catch(() => {})
  }
  expect(live.liveMessages().at(-1)).toContain('[手机号已隐藏]')
  type(chat, '.body-input', '我穿红色外套')
  await tap(chat, '.send', () => expect(chat.instance.data.body).toBe(''))
  await until(() => expect(live.liveMessages()).toContain('我穿红色外套'), WAIT_MS) // hers come back live too
  await until(() => expect(texts(chat, '.message-body').join('')).toContain('[手机号已隐藏]'), WAIT_MS)
  expect(texts(chat, '.message-body').join('')).not.toContain('13912345678')
  chat.instance.onUnload()

  await signIn('志愿者')
  const handover = await openUrl(dealUrl)
  await idle(handover)
  expect(text(handover, '.deal-other')).toBe('买家 张阿姨')
  type(handover, '.code-input', code)
  await tap(handover, '.confirm-handover', () => expect(text(handover, '.deal-state')).toBe('已交接'))
  toasted('交接成功')
  await pick(handover, '.stars', '★★★★★ 5 星')
  type(handover, '.comment-input', '买家很准时')
  await tap(handover, '.send-rating', () => expect(handover.querySelector('.my-rating')).toBeTruthy())
  toasted('评价成功')
  expect(handover.querySelector('.their-rating')).toBeUndefined() // hidden until she has rated too
  expect(handover.querySelector('.rating-hidden')).toBeTruthy()

  await signIn('居民')
  const hers = await openUrl(dealUrl)
  await idle(hers)
  expect(hers.querySelector('.their-rating')).toBeUndefined()
  await pick(hers, '.stars', '★★★★☆ 4 星')
  type(hers, '.comment-input', '东西很好，人也热情')
  await tap(hers, '.send-rating', () => expect(hers.querySelector('.their-rating')).toBeTruthy())
  expect(texts(hers, '.rating-stars')).toEqual(['★★★★☆', '★★★★★'])
  expect(texts(hers, '.rating-comment')).toEqual(['东西很好，人也热情', '买家很准时'])

  await signIn('志愿者')
  const his = await openUrl(dealUrl)
  await idle(his)
  expect(texts(his, '.rating-stars')).toEqual(['★★★★★', '★★★★☆'])
  expect(texts(his, '.rating-comment')).toEqual(['买家很准时', '东西很好，人也热情'])
})

test('three verified neighbours report a listing → gone from search → the committee restores it → found again', async () => {
  const title = unique('九成新羽毛球拍')
  const seller = await tokenOf('volunteer')
  const { viewer } = await graphql('Viewer', {}, seller)
  const communityId = viewer.memberships[0].community.id
  const { marketHomes: [home] } = await graphql('MarketHomes', { communityId }, seller)
  const { listing } = await act(seller, 'ListingSave', {
    input: {
      communityId, kind: 'SELL', category: 'SPORTS', condition: 'LIKE_NEW', title, description: '送一筒球', priceFen: 6000,
      roomId: home.roomId, photoIds: [],
    },
  })
  await act(seller, 'ListingPublish', { id: listing.id })

  await signIn('居民')
  expect((await searchFor(title)).titles).toEqual([title])
  const reasons = { resident: ['FRAUD', ''], elder: ['SPAM', ''], relative: ['OTHER', '价格写错了，其实是二手'] }
  for (const [handle, [reason, note]] of Object.entries(reasons)) {
    await act(await tokenOf(handle), 'ContentReport', { kind: 'LISTING', targetId: listing.id, reason, note })
  }
  const hidden = await searchFor(title)
  expect(hidden.titles).toEqual([])
  expect(text(hidden.index, '.empty')).toBe('没有符合条件的闲置，可订阅此搜索，有新的会通知您')

  const { authPasswordLogin } = await graphql('StaffLogin', { username: 'committee', password: 'Linli@2026' }, null, 'admin')
  const staff = authPasswordLogin.tokens.accessToken
  const { moderationQueue } = await graphql('ModerationQueue', { communityId, state: null, first: 50, after: null }, staff, 'admin')
  const item = moderationQueue.nodes.find((n) => n.original.includes(title))
  expect(item).toMatchObject({ kind: 'LISTING', state: 'HIDDEN' })
  await act(staff, 'ModerationDecide', { id: item.id, decision: 'RESTORE', reason: '经核实为正常转让' }, 'admin')

  expect((await searchFor(title)).titles).toEqual([title])
})
