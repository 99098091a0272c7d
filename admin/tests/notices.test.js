import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { connection, jsonResponse, payload, refusal } from './fakeServer'
import { all, answerConfirmations, choose, chooseFiles, find, openApp, signedInStaff, textOf, toasts, viewerWith } from './ui'

// ECharts needs a canvas, which happy-dom lacks: record what would be drawn instead.
const drawn = vi.hoisted(() => [])
vi.mock('../src/charts', () => ({
  drawBarChart: (element, chart) => {
    drawn.push(chart)
    return () => {}
  },
}))

// wangEditor needs a browser's selection and layout, which happy-dom lacks: a textarea stands in for
// it (the editor itself, its toolbar and image upload, is tried in Chromium: tests/e2e/test_console_notices.py).
vi.mock('../src/components/RichTextEditor.vue', () => {
  return {
    default: {
      props: ['modelValue', 'disabled'],
      emits: ['update:modelValue'],
      setup: (props, { emit }) => () =>
        h('textarea', {
          'data-testid': 'notice-body',
          value: props.modelValue,
          disabled: props.disabled,
          onInput: (event) => emit('update:modelValue', event.target.value),
        }),
    },
  }
})

const notice = (overrides) => ({
  id: 'n1',
  title: '停水通知',
  bodyHtml: '<p>周三停水</p>',
  category: '物业通知',
  pinned: false,
  importance: 'IMPORTANT',
  mustAcknowledge: false,
  state: 'DRAFT',
  publishAt: null,
  publishedAt: null,
  expiresAt: null,
  revision: 1,
  audience: [{ kind: 'COMMUNITY' }],
  audienceSize: 0,
  reminderHours: [24],
  attachments: [],
  ...overrides,
})

const handbook = { name: '停水须知.pdf', size: 2048, contentType: 'application/pdf', url: '/media/notices/n1/attachments/a1' }

const registry = {
  RegistryEstates: () => ({ data: { registryEstates: [{ id: 'e1', name: '阳光花园' }] } }),
  RegistryBuildings: () => ({
    data: {
      registryBuildings: [
        { id: 'b1', name: '1栋', estateName: '阳光花园', gridName: '第1网格' },
        { id: 'b2', name: '2栋', estateName: '阳光花园', gridName: '第1网格' },
      ],
    },
  }),
  RegistryGrids: () => ({ data: { registryGrids: [{ id: 'g1', name: '第1网格' }] } }),
}

let wrapper
beforeEach(() => {
  localStorage.clear()
  drawn.length = 0
})
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

const typeInto = async (testid, value, element = 'input') => (await find(testid)).find(element).setValue(value)

describe('notice list', () => {
  it("lists the community's notices with what each state allows", async () => {
    const received = signedInStaff({
      Notices: () => ({
        data: {
          notices: connection([
            notice({ id: 'n2', title: '消防演练', state: 'PUBLISHED', importance: 'URGENT', pinned: true,
              publishedAt: '2026-03-01T02:00:00Z', audienceSize: 42 }),
            notice(),
          ]),
        },
      }),
    })
    wrapper = await openApp('/notices')

    await vi.waitFor(() => expect(all('notice-row')).toHaveLength(2))
    const [published, draft] = all('notice-row')
    expect(published.text()).toMatch(/置顶[\s\S]*紧急[\s\S]*消防演练[\s\S]*已发布[\s\S]*通知 42 人/)
    expect(published.find('[data-testid=notice-reach]').exists()).toBe(true)
    expect(published.find('[data-testid=notice-publish]').exists()).toBe(false)
    expect(draft.text()).toMatch(/重要[\s\S]*停水通知[\s\S]*物业通知 · 草稿/)
    expect(draft.find('[data-testid=notice-schedule]').exists()).toBe(true)
    expect(received.find((r) => r.operation === 'Notices').variables).toMatchObject({ communityId: 'c1', state: null })
  })

  it('shows a grid worker the published notices reaching their grids, to open their reach reports', async () => {
    const gridWorker = viewerWith('GRID_WORKER')
    const received = signedInStaff({
      Viewer: () => ({ data: { viewer: gridWorker } }),
      NoticesInReach: () => ({
        data: { noticesInReach: connection([notice({ state: 'PUBLISHED', publishedAt: '2026-03-01T02:00:00Z' })]) },
      }),
    })
    wrapper = await openApp('/notices')

    await vi.waitFor(() => expect(all('notice-row')).toHaveLength(1))
    const [row] = all('notice-row')
    expect(row.find('[data-testid=notice-reach]').exists()).toBe(true)
    expect(row.find('[data-testid=notice-edit]').exists()).toBe(false)
    expect(row.find('[data-testid=notice-archive]').exists()).toBe(false)
    expect(all('notice-new')).toHaveLength(0)
    expect(received.find((r) => r.operation === 'NoticesInReach').variables).toMatchObject({ communityId: 'c1' })
    expect(received.some((r) => r.operation === 'Notices')).toBe(false)
  })

  it('publishes a draft from the list once confirmed, and says so', async () => {
    const received = signedInStaff({
      Notices: () => ({ data: { notices: connection([notice()]) } }),
      NoticePublish: ({ id }) => payload('noticePublish', { notice: notice({ id, state: 'PUBLISHED', audienceSize: 7 }) }),
    })
    wrapper = await openApp('/notices')
    await vi.waitFor(() => expect(all('notice-row')).toHaveLength(1))

    const asked = answerConfirmations(false)
    await all('notice-row')[0].find('[data-testid=notice-publish]').trigger('click')
    await vi.waitFor(() => expect(asked).toHaveBeenCalledOnce())
    expect(received.some((r) => r.operation === 'NoticePublish')).toBe(false)
    answerConfirmations(true)
    await all('notice-row')[0].find('[data-testid=notice-publish]').trigger('click')

    await vi.waitFor(async () => expect(await textOf('notice-state')).toBe('已发布'))
    expect(received.find((r) => r.operation === 'NoticePublish').variables).toEqual({ id: 'n1', at: null })
    expect(toasts()).toContain('已发布「停水通知」')
  })
})

describe('notice editor', () => {
  it('creates a notice for the chosen buildings', async () => {
    const received = signedInStaff({
      ...registry,
      NoticeCreate: ({ input }) =>
        payload('noticeCreate', { notice: notice({ id: 'n9', ...input, bodyHtml: '<p>周三 <b>停水</b></p>' }) }),
      Notice: () => ({ data: { notice: notice({ id: 'n9', bodyHtml: '<p>周三 <b>停水</b></p>' }) } }),
    })
    wrapper = await openApp('/notices/new')

    await typeInto('notice-title', '停水通知')
    await choose('notice-category', '物业通知')
    await (await find('notice-body')).setValue('<p>周三 <b>停水</b><script>x()</script></p>')
    expect(await textOf('notice-preview')).toBe('保存后显示正文的排版效果') // not saved yet
    await choose('audience-kind', '按楼栋')
    await vi.waitFor(() => expect(document.body.textContent).toContain('阳光花园 2栋'))
    await choose('audience-building', '阳光花园 1栋')
    expect(await textOf('notice-reminders')).toContain('24 小时') // the default, preselected
    await choose('notice-reminders', '48 小时')
    await choose('notice-reminders', '6 小时')
    await (await find('notice-save')).trigger('click')

    await vi.waitFor(() => expect(received.some((r) => r.operation === 'NoticeCreate')).toBe(true))
    expect(received.find((r) => r.operation === 'NoticeCreate').variables).toEqual({
      communityId: 'c1',
      input: {
        title: '停水通知',
        category: '物业通知',
        importance: 'NORMAL',
        pinned: false,
        mustAcknowledge: false,
        expiresAt: null,
        bodyHtml: '<p>周三 <b>停水</b><script>x()</script></p>',
        audience: [{ kind: 'BUILDING', ids: ['b1'] }],
        reminderHours: [6, 24, 48],
        attachments: [],
      },
    })
    // Saved: the preview renders the server's sanitised HTML.
    await vi.waitFor(async () => expect((await find('notice-preview')).find('b').text()).toBe('停水'))
  })

  it("shows a refused field's message beside it", async () => {
    signedInStaff({ ...registry, NoticeCreate: () => refusal('noticeCreate', '请选择通知对象', 'audience') })
    wrapper = await openApp('/notices/new')
    await typeInto('notice-title', '停水通知')
    await choose('audience-kind', '按楼栋')
    await (await find('notice-save')).trigger('click')

    await vi.waitFor(() => expect(document.querySelector('.el-form-item__error')?.textContent).toContain('请选择通知对象'))
    expect(all('notice-error')).toHaveLength(0)
  })

  it("preselects a draft's reminder times, sends the chosen ones and shows their refusal beside them", async () => {
    const received = signedInStaff({
      ...registry,
      Notice: () => ({ data: { notice: notice({ reminderHours: [2, 72] }) } }),
      NoticeUpdate: () => refusal('noticeUpdate', '最多 3 次提醒，每次在发布后 1–168 小时', 'reminderHours'),
    })
    wrapper = await openApp('/notices/n1')
    await vi.waitFor(async () => expect(await textOf('notice-reminders')).toMatch(/2 小时[\s\S]*72 小时/))

    await choose('notice-reminders', '2 小时') // unchosen
    await choose('notice-reminders', '24 小时')
    await (await find('notice-save')).trigger('click')

    await vi.waitFor(async () => expect(await textOf('notice-reminders')).toContain('最多 3 次提醒'))
    expect(received.find((r) => r.operation === 'NoticeUpdate').variables.input.reminderHours).toEqual([24, 72])
    expect(all('notice-error')).toHaveLength(0)
  })

  it("saves a published notice's edit only with a reason, as a revision, keeping its audience", async () => {
    const published = notice({
      state: 'PUBLISHED',
      revision: 2,
      audience: [{ kind: 'BUILDING', ids: ['b1'] }],
      attachments: [handbook],
    })
    const received = signedInStaff({
      ...registry,
      Notice: () => ({ data: { notice: published } }),
      NoticeUpdate: ({ input, reason }) =>
        reason
          ? payload('noticeUpdate', {
              notice: { ...published, ...input, audience: published.audience, reminderHours: [24],
                attachments: published.attachments, revision: 3 },
            })
          : refusal('noticeUpdate', '修改已发布的通知须写明原因', 'reason'),
    })
    wrapper = await openApp('/notices/n1')
    await vi.waitFor(async () => expect((await find('notice-title')).find('input').element.value).toBe('停水通知'))
    expect(document.body.textContent).toContain('将生成第 3 版修订')
    expect((await find('audience-kind')).find('input').attributes('disabled')).toBeDefined()
    expect(all('notice-publish')).toHaveLength(0)
    expect(await textOf('notice-reminders-fixed')).toContain('24 小时')
    expect(document.querySelector('[data-testid=notice-reminders] .el-select')).toBeNull()
    expect(all('notice-attachment-row').map((r) => r.text())).toEqual([expect.stringContaining('停水须知.pdf')])
    expect(all('notice-attachment-remove')).toHaveLength(0)
    expect(all('notice-attachment-input')).toHaveLength(0)

    await typeInto('notice-title', '停水通知（更正）')
    await (await find('notice-save')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('notice-reason')).toContain('修改已发布的通知须写明原因'))

    await typeInto('notice-reason', '时间有误', 'textarea')
    await (await find('notice-save')).trigger('click')

    await vi.waitFor(() => expect(document.body.textContent).toContain('第 3 版'))
    const updates = received.filter((r) => r.operation === 'NoticeUpdate').map((r) => r.variables)
    expect(updates.map((u) => u.reason)).toEqual(['', '时间有误'])
    expect(updates[1]).toMatchObject({
      id: 'n1',
      input: { title: '停水通知（更正）', audience: null, reminderHours: null, attachments: null },
    })
  })

  it('uploads attachments, lists them beside those kept and saves their ids', async () => {
    const timetable = { name: '停水时间表.xlsx', size: 1536 * 1024, contentType: 'x', url: '/media/notices/n1/attachments/a2' }
    const received = signedInStaff({
      Notice: () => ({ data: { notice: notice({ attachments: [handbook] }) } }),
      'POST /uploads': () => jsonResponse({ id: 'a2', kind: 'notice_attachment', size: timetable.size }),
      NoticeUpdate: ({ input }) =>
        payload('noticeUpdate', {
          notice: notice({ attachments: input.attachments.map((id) => ({ a1: handbook, a2: timetable })[id]) }),
        }),
    })
    wrapper = await openApp('/notices/n1')
    await vi.waitFor(() => expect(all('notice-attachment-row')).toHaveLength(1))
    expect(all('notice-attachment-row')[0].text()).toMatch(/停水须知\.pdf[\s\S]*2\.0 KB/)

    await chooseFiles('notice-attachment-input', '停水时间表.xlsx')
    await vi.waitFor(() => expect(all('notice-attachment-row')).toHaveLength(2))
    expect(all('notice-attachment-row')[1].text()).toMatch(/停水时间表\.xlsx[\s\S]*1\.5 MB/)
    expect(received.find((r) => r.method === 'POST').url).toBe('/uploads?kind=notice_attachment')

    await (await find('notice-save')).trigger('click')
    const updates = () => received.filter((r) => r.operation === 'NoticeUpdate').map((r) => r.variables.input)
    await vi.waitFor(() => expect(updates()).toHaveLength(1))
    expect(updates()[0].attachments).toEqual(['a1', 'a2'])

    // Saved: the server's attachments are shown, each a link to download it.
    await vi.waitFor(() => expect(all('notice-attachment-row')[1].find('.el-link').exists()).toBe(true))
    await all('notice-attachment-remove')[0].trigger('click')
    await vi.waitFor(() => expect(all('notice-attachment-row')).toHaveLength(1))
    await (await find('notice-save')).trigger('click')
    await vi.waitFor(() => expect(updates()).toHaveLength(2))
    expect(updates()[1].attachments).toEqual(['a2'])
    await vi.waitFor(() =>
      expect(all('notice-attachment-row').map((r) => r.text())).toEqual([expect.stringContaining('停水时间表.xlsx')]),
    )
  })

  it("shows a refused upload's message and lists nothing", async () => {
    signedInStaff({
      Notice: () => ({ data: { notice: notice() } }),
      'POST /uploads': () =>
        jsonResponse({ errors: [{ code: 'INVALID_FILE', field: 'file', message: '附件只能是 PDF、Word 或 Excel 文件' }] }, 415),
    })
    wrapper = await openApp('/notices/n1')
    await chooseFiles('notice-attachment-input', '病毒.exe')

    expect(await textOf('notice-upload-error')).toContain('附件只能是 PDF、Word 或 Excel 文件')
    expect(all('notice-attachment-row')).toHaveLength(0)
    expect(all('notice-error')).toHaveLength(0)
  })
})

describe('reach report', () => {
  const reach = {
    audience: 12,
    delivered: 12,
    read: 5,
    acknowledged: 0,
    households: 6,
    householdsReached: 3,
    householdsReachedOffline: 0,
    byBuilding: [{ buildingId: 'b1', buildingName: '1栋', audience: 12, read: 5, acknowledged: 0 }],
  }
  const households = [
    { householdId: 'h1', address: '阳光花园 1栋 1单元 102', residents: ['王大爷'] },
    { householdId: 'h2', address: '阳光花园 1栋 2单元 201', residents: ['李四', '李小四'] },
  ]

  it('shows the numbers and the chart, and a household reached offline leaves the 未触达名单', async () => {
    const visited = new Set()
    const received = signedInStaff({
      Notice: () => ({ data: { notice: notice({ state: 'PUBLISHED' }) } }),
      NoticeReach: () => ({ data: { noticeReach: { ...reach, householdsReachedOffline: visited.size } } }),
      NoticeNotReached: () => ({
        data: { noticeNotReached: connection(households.filter((h) => !visited.has(h.householdId))) },
      }),
      NoticeReachedOffline: ({ householdId }) => {
        visited.add(householdId)
        return payload('noticeReachedOffline', { ok: true })
      },
    })
    wrapper = await openApp('/notices/n1/reach')

    await vi.waitFor(async () => expect(await textOf('reach-audience')).toBe('12'))
    expect(await textOf('reach-read')).toBe('5')
    expect(await textOf('reach-households-reached')).toBe('3')
    expect(drawn.at(-1)).toEqual({
      categories: ['1栋'],
      series: [
        { name: '通知人数', data: [12] },
        { name: '已读', data: [5] },
      ],
    })
    await vi.waitFor(() => expect(all('not-reached-row')).toHaveLength(2))
    expect(all('not-reached-row')[1].text()).toContain('李四、李小四')

    await all('not-reached-row')[0].find('[data-testid=reached-offline]').trigger('click')
    await (await find('reached-offline-note')).find('textarea').setValue('电话告知')
    await (await find('reached-offline-note-submit')).trigger('click')

    await vi.waitFor(() => expect(all('not-reached-row')).toHaveLength(1))
    expect(all('not-reached-row')[0].text()).toContain('阳光花园 1栋 2单元 201')
    expect(received.find((r) => r.operation === 'NoticeReachedOffline').variables).toEqual({
      id: 'n1',
      householdId: 'h1',
      note: '电话告知',
    })
    await vi.waitFor(async () => expect(await textOf('reach-households-reached-offline')).toBe('1'))
  })

  it('downloads the 未触达名单 as Excel with the bearer token', async () => {
    const saved = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function () {
      saved.push({ href: this.href, download: this.download })
    })
    const received = signedInStaff({
      Notice: () => ({ data: { notice: notice({ state: 'PUBLISHED' }) } }),
      NoticeReach: () => ({ data: { noticeReach: reach } }),
      NoticeNotReached: () => ({ data: { noticeNotReached: connection(households) } }),
      'GET /exports/notices/n1/not-reached.xlsx': () => new Response(new Blob(['xlsx']), { status: 200 }),
    })
    wrapper = await openApp('/notices/n1/reach')

    await (await find('export-not-reached')).trigger('click')

    await vi.waitFor(() => expect(saved).toHaveLength(1))
    expect(saved[0].download).toBe('未触达名单.xlsx')
    expect(received.filter((r) => r.url !== '/graphql')).toEqual([
      { url: '/exports/notices/n1/not-reached.xlsx', method: 'GET', body: undefined, token: 'access-committee' },
    ])
    expect(all('export-not-reached-error')).toHaveLength(0)
  })

  it("shows the export's refusal", async () => {
    signedInStaff({
      Notice: () => ({ data: { notice: notice({ state: 'PUBLISHED' }) } }),
      NoticeReach: () => ({ data: { noticeReach: reach } }),
      NoticeNotReached: () => ({ data: { noticeNotReached: connection([]) } }),
      'GET /exports/notices/n1/not-reached.xlsx': () =>
        jsonResponse({ errors: [{ message: '没有查看触达情况的权限' }] }, 403),
    })
    wrapper = await openApp('/notices/n1/reach')

    await (await find('export-not-reached')).trigger('click')

    await vi.waitFor(async () => expect(await textOf('export-not-reached-error')).toContain('没有查看触达情况的权限'))
  })
})
