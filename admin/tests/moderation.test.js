import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection, payload, refusal } from './fakeServer'
import { all, answerConfirmations, find, openApp, signedInStaff, textOf, toasts } from './ui'

const item = (id, overrides) => ({
  id,
  kind: 'TOPIC',
  targetId: `t-${id}`,
  state: 'HIDDEN',
  original: '物业乱收停车费，大家别交',
  reports: 3,
  authorName: '李先生',
  hiddenAt: '2026-11-20T02:00:00Z',
  decidedAt: null,
  createdAt: '2026-11-20T01:00:00Z',
  appeal: null,
  ...overrides,
})

const detail = (overrides) => ({
  data: {
    moderationItem: {
      item: item('m1', overrides),
      reports: [
        { reason: 'SPAM', note: '', reporterName: '张阿姨', at: '2026-11-20T01:00:00Z' },
        { reason: 'OTHER', note: '造谣', reporterName: '王先生', at: '2026-11-20T01:30:00Z' },
        { reason: 'SPAM', note: '', reporterName: '赵女士', at: '2026-11-20T02:00:00Z' },
      ],
      reportsByReason: [{ reason: 'SPAM', count: 2 }, { reason: 'OTHER', count: 1 }],
      log: [{ id: 'l1', action: 'AUTO_HIDE', actorName: null, reason: '3 位认证居民举报，待审核', at: '2026-11-20T02:00:00Z' }],
    },
  },
})

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('内容审核', () => {
  it('lists what waits for review first, by state, a page at a time', async () => {
    const received = signedInStaff({
      ModerationQueue: ({ state, after }) => ({
        data: {
          moderationQueue: after
            ? connection([item('m3')])
            : { ...connection(state === 'HIDDEN' ? [item('m1'), item('m2', { kind: 'COMMENT' })] : [item('m4', { state })], 'c2'), totalCount: 3 },
        },
      }),
    })
    wrapper = await openApp('/')
    await (await find('nav-moderation')).trigger('click')

    await vi.waitFor(() => expect(all('moderation-row')).toHaveLength(2))
    expect(all('moderation-row')[1].text()).toMatch(/已隐藏待审核[\s\S]*评论[\s\S]*物业乱收停车费[\s\S]*作者 李先生 · 3 人举报/)
    await (await find('page-next')).trigger('click')
    await vi.waitFor(() => expect(all('moderation-row')).toHaveLength(1))

    await (await find('moderation-state-filter')).find('input[value=RESTORED]').setValue(true)
    await vi.waitFor(() => expect(all('moderation-state')[0]?.text()).toBe('已恢复'))
    expect(received.filter((r) => r.operation === 'ModerationQueue').map((r) => r.variables)).toEqual([
      { communityId: 'c1', state: 'HIDDEN', first: 20, after: null },
      { communityId: 'c1', state: 'HIDDEN', first: 20, after: 'c2' },
      { communityId: 'c1', state: 'RESTORED', first: 20, after: null },
    ])
  })

  it('shows the original, the reports by reason and the log, and restores after a reason and a confirmation', async () => {
    let restored = false
    const received = signedInStaff({
      ModerationItem: () => detail(restored ? { state: 'RESTORED' } : {}),
      ModerationDecide: ({ reason }) => {
        if (reason.length < 4) return refusal('moderationDecide', '请填写处理理由（2–200 个字）', 'reason')
        restored = true
        return payload('moderationDecide', { item: { id: 'm1', state: 'RESTORED', hiddenAt: null, decidedAt: null } })
      },
    })
    const asked = answerConfirmations(true)
    wrapper = await openApp('/moderation/m1')

    expect(await textOf('moderation-item-original')).toBe('物业乱收停车费，大家别交')
    expect(await textOf('moderation-reasons')).toMatch(/广告 × 2[\s\S]*其他 × 1/)
    expect(await textOf('moderation-reports')).toContain('造谣')
    expect(await textOf('moderation-item-log')).toContain('系统 · 自动隐藏（多人举报）：3 位认证居民举报，待审核')
    expect(all('moderation-decide-HIDE')).toHaveLength(0) // already hidden

    await (await find('moderation-decide-RESTORE')).trigger('click')
    await (await find('moderation-reason')).find('textarea').setValue('核实')
    await (await find('moderation-reason-submit')).trigger('click')
    expect(await textOf('dialog-error')).toBe('请填写处理理由（2–200 个字）')

    await (await find('moderation-reason')).find('textarea').setValue('内容属实，并非造谣')
    await (await find('moderation-reason-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已恢复显示'))
    expect(asked.mock.calls.at(-1)[0]).toContain('恢复后所有居民将重新看到该内容')
    expect(await textOf('moderation-item-state')).toBe('已恢复')
    expect(received.filter((r) => r.operation === 'ModerationDecide').at(-1).variables)
      .toEqual({ id: 'm1', decision: 'RESTORE', reason: '内容属实，并非造谣' })
  })

  it('rules on a pending appeal; cancelling the confirmation sends nothing', async () => {
    const appeal = { id: 'a1', text: '我说的是事实', state: 'PENDING', reason: null, decidedAt: null, at: '2026-11-21T01:00:00Z' }
    const received = signedInStaff({
      ModerationItem: () => detail({ state: 'REMOVED', appeal }),
      ModerationAppealDecide: () => payload('moderationAppealDecide', { appeal: { ...appeal, state: 'KEPT' } }),
    })
    const asked = answerConfirmations(false)
    wrapper = await openApp('/moderation/m1')

    expect(await textOf('moderation-appeal')).toMatch(/作者申诉[\s\S]*待裁定[\s\S]*我说的是事实/)
    await (await find('moderation-appeal-KEEP')).trigger('click')
    await (await find('moderation-reason')).find('textarea').setValue('内容含辱骂')
    await (await find('moderation-reason-submit')).trigger('click')
    await vi.waitFor(() => expect(asked).toHaveBeenCalled())
    expect(received.filter((r) => r.operation === 'ModerationAppealDecide')).toHaveLength(0)

    asked.mockImplementation(() => Promise.resolve('confirm'))
    await (await find('moderation-reason-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已驳回申诉'))
    expect(received.filter((r) => r.operation === 'ModerationAppealDecide').map((r) => r.variables))
      .toEqual([{ id: 'a1', decision: 'KEEP', reason: '内容含辱骂' }])
  })
})
