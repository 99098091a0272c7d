import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { changesBetween } from '../src/format'
import { connection } from './fakeServer'
import { choose, find, openApp, signedInStaff, textOf } from './ui'

const entry = {
  id: 'a1',
  action: 'proxy.record',
  actionLabel: '登记代办',
  targetType: 'proxy',
  targetLabel: '代办授权',
  targetId: 'x1',
  before: null,
  after: { principal: 'p1', agent: 'p2', scopes: ['REGISTRY', 'NOTICE'] },
  mentioned: [
    { id: 'p1', displayName: '张阿姨' },
    { id: 'p2', displayName: '张小明' },
  ],
  createdAt: '2026-03-01T02:00:00Z',
  actor: { id: 'u1', displayName: '居委会 周主任' },
  actingFor: null,
}

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
})

describe('操作日志', () => {
  it('shows actions by their Chinese names, people by name and what changed, filtered by action and actor', async () => {
    const received = signedInStaff({
      AuditLog: () => ({
        data: {
          auditLog: { ...connection([entry]), totalCount: 1 },
          auditActions: [
            { action: 'proxy.record', label: '登记代办' },
            { action: 'residence.approve', label: '通过住址认证' },
          ],
        },
      }),
    })
    wrapper = await openApp('/audit')

    await vi.waitFor(async () => expect(await textOf('audit-log')).toContain('登记代办'))
    const text = await textOf('audit-log')
    expect(text).toMatch(/居委会 周主任[\s\S]*登记代办[\s\S]*代办授权/)
    expect(text).toMatch(/委托人\s*张阿姨[\s\S]*代办人\s*张小明[\s\S]*代办范围\s*REGISTRY、NOTICE/)
    expect(text).not.toContain('p1')
    expect(await textOf('list-total')).toBe('共 1 条')

    await choose('audit-action', '通过住址认证')
    await (await find('audit-actor')).setValue('周')
    await (await find('audit-search')).trigger('click')

    await vi.waitFor(() => expect(received.filter((r) => r.operation === 'AuditLog')).toHaveLength(2))
    expect(received.at(-1).variables).toMatchObject({
      communityId: 'c1', action: 'residence.approve', actorName: '周', since: null, before: null,
    })
  })

  it('lists only the fields that changed, coded values in words', () => {
    expect(changesBetween({ status: 'PENDING' }, { status: 'APPROVED', reason: '材料齐全' })).toEqual([
      { field: 'status', label: '状态', before: '待审核', after: '已通过' },
      { field: 'reason', label: '原因', before: null, after: '材料齐全' },
    ])
    expect(changesBetween({ title: '停水' }, { title: '停水' })).toEqual([])
  })
})
