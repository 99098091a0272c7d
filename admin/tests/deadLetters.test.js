import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection } from './fakeServer'
import { find, openApp, signedInStaff, textOf } from './ui'

const deadLetter = (id, overrides) => ({
  id,
  task: 'notice.fanout',
  key: `notice:${id}`,
  error: 'ConnectionError: 推送服务无响应',
  attempts: 5,
  createdAt: '2026-03-01T02:00:00Z',
  communityName: '阳光社区',
  ...overrides,
})

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
})

const rows = () => [...document.querySelectorAll('[data-testid=dead-letters] .el-table__body tr')]

describe('失败任务', () => {
  it('lists the jobs that used up their retries, newest first, a page at a time', async () => {
    const received = signedInStaff({
      DeadLetters: ({ after }) => ({
        data: {
          deadLetters: after
            ? connection([deadLetter('d3', { task: 'notice.remind', key: null, attempts: 3, communityName: null })])
            : connection([deadLetter('d1'), deadLetter('d2', { error: 'TimeoutError' })], 'cursor-2'),
        },
      }),
    })
    wrapper = await openApp('/')
    await (await find('nav-dead-letters')).trigger('click')

    await vi.waitFor(() => expect(rows()).toHaveLength(2))
    expect(rows()[0].textContent).toMatch(/阳光社区[\s\S]*notice\.fanout[\s\S]*notice:d1[\s\S]*5[\s\S]*ConnectionError: 推送服务无响应/)
    expect(rows()[1].textContent).toContain('TimeoutError')

    await (await find('page-next')).trigger('click')

    await vi.waitFor(() => expect(rows()).toHaveLength(1))
    expect(rows()[0].textContent).toMatch(/平台[\s\S]*notice\.remind[\s\S]*—[\s\S]*3/)  // the platform's own job
    expect((await find('page-next')).attributes('disabled')).toBeDefined()

    await (await find('page-previous')).trigger('click')

    await vi.waitFor(() => expect(rows()).toHaveLength(2))
    expect(received.filter((r) => r.operation === 'DeadLetters').map((r) => r.variables)).toEqual([
      { first: 20, after: null },
      { first: 20, after: 'cursor-2' },
      { first: 20, after: null },
    ])
  })

  it("shows the server's refusal to someone who may not read them", async () => {
    signedInStaff({
      DeadLetters: () => ({
        data: null,
        errors: [{ message: '没有查看失败任务的权限', extensions: { code: 'FORBIDDEN' } }],
      }),
    })
    wrapper = await openApp('/dead-letters')

    expect(await textOf('dead-letters-error')).toContain('没有查看失败任务的权限')
    expect(rows()).toHaveLength(0)
  })
})
