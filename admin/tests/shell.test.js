// The console's shell: a menu of what the viewer may open, 403 and 404 pages, breadcrumbs and titles,
// the community switcher, and why the console went back to the login page.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { menuFor } from '../src/pages'
import { router } from '../src/router'
import { storeTokens } from '../src/graphql/client'
import { connection, fakeGraphQLServer, tokens, unauthenticated } from './fakeServer'
import { ROLE_PERMISSIONS, all, choose, find, openApp, signedInStaff, textOf, toasts, viewerWith } from './ui'

const menuOf = (permissions) => menuFor(new Set(permissions)).map((page) => page.title)
const navigation = () => all('menu')[0].findAll('.el-menu-item').map((item) => item.text())

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
})

describe('menu by permission', () => {
  it('offers each role the pages its permissions open, and nothing else', () => {
    expect(menuOf(ROLE_PERMISSIONS.GRID_WORKER)).toEqual(['工作台', '住户档案', '通知公告', '诉求工单', '诉求统计'])
    expect(menuOf(ROLE_PERMISSIONS.PROPERTY_STAFF)).toEqual(['工作台', '住户档案', '认证审核', '通知公告', '诉求工单', '诉求统计', '咨询台'])
    expect(menuOf(ROLE_PERMISSIONS.COMMITTEE_STAFF)).toEqual([
      '工作台', '住户档案', '认证审核', '通知公告', '投票表决', '诉求工单', '诉求统计', '诉求设置', '咨询台', '议事厅',
      '内容审核', '跳蚤市场', '市场统计', '市场规则', '导入导出', '操作日志', '查阅记录', '失败任务',
    ])
    expect(menuOf(['PLATFORM_OPERATE'])).toEqual(['工作台', '督办人员', '失败任务', '服务商审核', '佣金规则', '营收报表', '支付对账', '售后裁定'])
    expect(menuOf(['STREET_SUPERVISOR'])).toEqual(['工作台', '街道督办']) // a street supervisor, no community role
    expect(menuOf([])).toEqual(['工作台'])
  })

  it("shows a grid worker a grid worker's menu, and 403 on a page beyond it", async () => {
    signedInStaff({ Viewer: () => ({ data: { viewer: viewerWith('GRID_WORKER', '网格员 小陈') } }) })
    wrapper = await openApp('/audit')

    await vi.waitFor(() => expect(navigation()).toEqual(['工作台', '住户档案', '通知公告', '诉求工单', '诉求统计']))
    expect(await textOf('forbidden')).toContain('您在阳光社区的身份没有此页面的权限')
  })
})

describe('pages', () => {
  it('answers an unknown address with 404 inside the console', async () => {
    signedInStaff({})
    wrapper = await openApp('/no-such-page')

    expect(await textOf('not-found')).toContain('页面不存在')
    expect(navigation()).toContain('住户档案')
  })

  it('shows where a page sits, on screen and in the window title', async () => {
    signedInStaff({
      Notice: () => ({ data: { notice: null } }),
      NoticeReach: () => ({ data: { noticeReach: null } }),
      NoticeNotReached: () => ({ data: { noticeNotReached: connection([]) } }),
    })
    wrapper = await openApp('/notices/n1/reach')

    await vi.waitFor(async () => expect(await textOf('breadcrumbs')).toMatch(/通知公告\s*\/\s*触达报告/))
    expect(document.title).toBe('触达报告 - 邻里 · 社区工作台')
  })

  it('switches the community the pages work in', async () => {
    const twoCommunities = viewerWith('COMMITTEE_STAFF')
    twoCommunities.permissions.push({ community: { id: 'c2', name: '和平社区' }, permissions: ROLE_PERMISSIONS.GRID_WORKER })
    const received = signedInStaff({
      Viewer: () => ({ data: { viewer: twoCommunities } }),
      AuditLog: () => ({ data: { auditLog: { ...connection([]), totalCount: 0 }, auditActions: [] } }),
      NoticesInReach: () => ({ data: { noticesInReach: connection([]) } }),
      Notices: () => ({ data: { notices: { ...connection([]), totalCount: 0 } } }),
    })
    wrapper = await openApp('/notices')
    await vi.waitFor(() => expect(received.some((r) => r.operation === 'Notices')).toBe(true))

    await choose('community-switch', '和平社区')

    // A grid worker there: the notices reaching their grids, and a menu without 操作日志.
    await vi.waitFor(() => expect(received.at(-1)).toMatchObject({ operation: 'NoticesInReach', variables: { communityId: 'c2' } }))
    expect(navigation()).toEqual(['工作台', '住户档案', '通知公告', '诉求工单', '诉求统计'])
    expect(localStorage.getItem('communityId')).toBe('c2')
  })

  it('says the session expired when the refresh fails, on the way to the login page', async () => {
    storeTokens(tokens('stale'))
    fakeGraphQLServer({
      Viewer: () => unauthenticated,
      TokenRefresh: () => ({ data: { authTokenRefresh: { tokens: null, errors: [{ code: 'UNAUTHENTICATED', message: '请重新登录' }] } } }),
    })
    wrapper = await openApp('/registry')

    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'))
    expect(toasts('warning')).toContain('登录已过期，请重新登录')
    expect(await find('login-username')).toBeTruthy()
  })
})
