// The paid services' console for the operator (PLATFORM_OPERATE) and the committee (SERVICES_MANAGE).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { storeTokens } from '../src/graphql/client'
import { connection, fakeGraphQLServer, payload, refusal, tokens } from './fakeServer'
import { all, answerConfirmations, choose, find, openApp, ROLE_PERMISSIONS, textOf, toasts } from './ui'

const operator = {
  id: 'u9',
  displayName: '运营方 郑经理',
  phone: '138****0009',
  memberships: [],
  platformPermissions: ['PLATFORM_OPERATE'],
  permissions: [],
}
const committee = {
  id: 'u1',
  displayName: '居委会 周主任',
  phone: '138****0001',
  memberships: [{ role: 'COMMITTEE_STAFF', community: { id: 'c1', name: '阳光社区' } }],
  platformPermissions: [],
  permissions: [{ community: { id: 'c1', name: '阳光社区' }, permissions: [...ROLE_PERMISSIONS.COMMITTEE_STAFF, 'SERVICES_MANAGE'] }],
}

function signedIn(viewer, handlers) {
  storeTokens(tokens(viewer.id))
  return fakeGraphQLServer({ Viewer: () => ({ data: { viewer } }), ...handlers })
}

const provider = (id, overrides) => ({
  id,
  name: '幸福家政',
  state: 'APPLIED',
  stateLabel: '待审核',
  categories: ['HOUSEKEEPING', 'LAUNDRY'],
  contactName: '吴老板',
  contactPhone: '138****0004',
  licenceUrl: '/media/licences/p1.jpg?sig=x',
  stripeAccountId: null,
  wechatSubMchid: null,
  verifiedAt: null,
  decisionNote: null,
  communities: [{ id: 'c1', name: '阳光社区' }],
  members: [{ id: 'm1', personId: 'u4', name: '吴老板', role: 'ADMIN', roleLabel: '管理员' }],
  ...overrides,
})

const order = (id, overrides) => ({
  id,
  state: 'DISPUTED',
  stateLabel: '有争议',
  category: 'HOUSEKEEPING',
  categoryLabel: '家政保洁',
  provider: { id: 'p1', name: '幸福家政' },
  service: { id: 's1', name: '日常保洁', unit: 'HOUR' },
  scheduledAt: '2026-11-30T02:00:00Z',
  amountFen: 12000,
  residentFen: 12000,
  subsidyFen: 0,
  refundedFen: 0,
  dispute: { reason: '厨房没有打扫', outcome: null, refundFen: null, decisionNote: null, decidedAt: null, createdAt: '2026-11-30T06:00:00Z' },
  ...overrides,
})

const last = (received, operation) => received.filter((r) => r.operation === operation).at(-1)
const fieldError = async (testid) => (await find(testid)).find('.el-form-item__error').text()

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('menus by permission', () => {
  it('gives the operator the platform pages and the committee its community pages', async () => {
    signedIn(operator, {})
    wrapper = await openApp('/')
    await find('nav-service-providers')
    for (const name of ['commission-rules', 'service-revenue', 'reconciliation', 'service-disputes']) expect(all(`nav-${name}`)).toHaveLength(1)
    for (const name of ['service-policies', 'subsidy-claims', 'community-service-orders']) expect(all(`nav-${name}`)).toHaveLength(0)
    wrapper.unmount()
    vi.unstubAllGlobals()

    signedIn(committee, {
      ServiceReportsRevenuePanel: () => ({ data: { serviceRevenuePanel: { month: '2026-12', orders: 3, gmv: 36000, commission: 3600, subsidy: 900 } } }),
    })
    wrapper = await openApp('/')
    await find('nav-service-policies')
    for (const name of ['subsidy-claims', 'community-service-orders']) expect(all(`nav-${name}`)).toHaveLength(1)
    for (const name of ['service-providers', 'commission-rules', 'service-revenue', 'reconciliation', 'service-disputes'])
      expect(all(`nav-${name}`)).toHaveLength(0)
    // The 工作台 shows this month's revenue to SERVICES_MANAGE.
    expect(await textOf('services-gmv')).toContain('¥360.00')
    expect(await textOf('services-commission')).toContain('¥36.00')
    expect(await textOf('services-subsidy')).toContain('¥9.00')
  })
})

describe('服务商审核', () => {
  it('lists applications, opens one, and rejects it only with a note and after a confirmation', async () => {
    let decided = null
    const received = signedIn(operator, {
      ServiceProviders: ({ state }) => ({
        data: { serviceProviders: { ...connection(state === 'SUSPENDED' ? [] : [provider('p1')]), totalCount: 1 } },
      }),
      ProviderDecide: (variables) => {
        decided = variables
        return payload('providerDecide', { provider: provider('p1', { state: 'REJECTED', stateLabel: '已驳回', decisionNote: variables.note }) })
      },
    })
    const asked = answerConfirmations(true)
    wrapper = await openApp('/services/providers')

    await vi.waitFor(() => expect(all('provider-open')).toHaveLength(1))
    expect(await textOf('providers')).toMatch(/幸福家政[\s\S]*家政保洁、洗衣[\s\S]*阳光社区[\s\S]*吴老板 138\*\*\*\*0004[\s\S]*待审核/)
    expect(last(received, 'ServiceProviders').variables).toMatchObject({ state: 'APPLIED', search: null, first: 20 })
    const search = await find('providers-search')
    await search.setValue('幸福')
    search.element.closest('form').dispatchEvent(new Event('submit'))
    await vi.waitFor(() => expect(last(received, 'ServiceProviders').variables.search).toBe('幸福'))

    await (await find('provider-open')).trigger('click')
    expect(await textOf('provider-categories')).toBe('家政保洁、洗衣')
    expect(await textOf('provider-contact')).toBe('吴老板 138****0004')
    expect(all('provider-licence')).toHaveLength(1)
    expect(all('provider-suspend')).toHaveLength(0) // only an application's decisions
    await (await find('provider-reject')).trigger('click')
    await (await find('provider-note-submit')).trigger('click')
    await vi.waitFor(async () => expect(await fieldError('provider-note')).toContain('请填写驳回原因'))
    expect(decided).toBeNull()

    await (await find('provider-note')).find('textarea').setValue('营业执照已过期')
    await (await find('provider-note-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已驳回申请'))
    expect(asked.mock.calls[0][0]).toContain('重新提交申请')
    expect(decided).toEqual({ providerId: 'p1', approve: false, note: '营业执照已过期' })
    expect(await textOf('provider-drawer-state')).toBe('已驳回')
  })

  it('suspends a verified provider with a note', async () => {
    let suspended = null
    signedIn(operator, {
      ServiceProviders: () => ({ data: { serviceProviders: { ...connection([provider('p1', { state: 'VERIFIED', stateLabel: '已认证' })]), totalCount: 1 } } }),
      ProviderSuspend: (variables) => {
        suspended = variables
        return payload('providerSuspend', { provider: provider('p1', { state: 'SUSPENDED', stateLabel: '已暂停' }) })
      },
    })
    answerConfirmations(true)
    wrapper = await openApp('/services/providers')
    await choose('providers-filter-state', '已认证')
    await (await find('provider-open')).trigger('click')
    expect(all('provider-approve')).toHaveLength(0)
    await (await find('provider-suspend')).trigger('click')
    await (await find('provider-note')).find('textarea').setValue('多次爽约')
    await (await find('provider-note-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已暂停该服务商'))
    expect(suspended).toEqual({ providerId: 'p1', note: '多次爽约' })
  })
})

describe('佣金规则', () => {
  const rule = { id: 'r1', provider: null, category: null, percentBp: 1000, minimumFen: 100, capFen: null, onSubsidy: false, updatedAt: '2026-11-01T02:00:00Z' }

  it('shows the rules, refuses a rule over 100 % beside the field, saves one in 元 and %', async () => {
    const saved = []
    signedIn(operator, {
      CommissionRules: () => ({ data: { commissionRules: connection([rule]) } }),
      ServiceProviders: () => ({ data: { serviceProviders: { ...connection([provider('p1', { state: 'VERIFIED' })]), totalCount: 1 } } }),
      CommissionRuleSave: (variables) => {
        if (variables.percentBp > 10000) return refusal('commissionRuleSave', '佣金比例须在 0% 到 100% 之间', 'percentBp')
        saved.push(variables)
        return payload('commissionRuleSave', { rule: { ...rule, id: 'r2', ...variables } })
      },
    })
    wrapper = await openApp('/services/commission')
    await vi.waitFor(async () => expect(await textOf('commission-rules')).toMatch(/所有服务商 · 所有类别[\s\S]*10%[\s\S]*¥1.00[\s\S]*不封顶/))

    await (await find('commission-add')).trigger('click')
    await choose('commission-category', '洗衣')
    await (await find('commission-percent-input')).setValue('150')
    await (await find('commission-cap-input')).setValue('20')
    await (await find('commission-save')).trigger('click')
    await vi.waitFor(async () => expect(await fieldError('commission-percent-field')).toBe('佣金比例须在 0% 到 100% 之间'))
    expect(all('commission-dialog-error')).toHaveLength(0)

    await (await find('commission-percent-input')).setValue('8.5')
    await (await find('commission-save')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('佣金规则已保存'))
    expect(saved).toEqual([{ providerId: null, category: 'LAUNDRY', percentBp: 850, minimumFen: 0, capFen: 2000, onSubsidy: false }])
  })

  it('deletes a rule after a confirmation, and nothing when cancelled', async () => {
    const deleted = []
    signedIn(operator, {
      CommissionRules: () => ({ data: { commissionRules: connection([rule]) } }),
      ServiceProviders: () => ({ data: { serviceProviders: { ...connection([]), totalCount: 0 } } }),
      CommissionRuleDelete: ({ id }) => {
        deleted.push(id)
        return payload('commissionRuleDelete', { deletedId: id })
      },
    })
    const asked = answerConfirmations(false)
    wrapper = await openApp('/services/commission')
    await (await find('commission-delete')).trigger('click')
    await vi.waitFor(() => expect(asked).toHaveBeenCalled())
    expect(deleted).toEqual([])
    asked.mockImplementation(() => Promise.resolve('confirm'))
    await (await find('commission-delete')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('佣金规则已删除'))
    expect(asked.mock.calls[0][0]).toContain('已下单的不变')
    expect(deleted).toEqual(['r1'])
  })
})

describe('营收报表', () => {
  it('shows the period’s totals in 元 and asks by month when told', async () => {
    const totals = { orders: 4, gmv: 48000, commission: 4800, gatewayFees: 288, platformFees: 288, netCommission: 4512, subsidy: 1200 }
    const received = signedIn(operator, {
      ServiceReportsCommissionRevenue: ({ from, to, groupBy }) => ({
        data: {
          commissionRevenue: {
            from,
            to,
            groupBy,
            rows: [{ period: '2026-12-01', category: 'HOUSEKEEPING', categoryLabel: '家政保洁', providerId: 'p1', providerName: '幸福家政', ...totals }],
            totals,
          },
        },
      }),
    })
    wrapper = await openApp('/services/revenue')
    await vi.waitFor(async () => expect(await textOf('revenue-total-gmv')).toContain('¥480.00'))
    expect(await textOf('revenue-total-commission')).toContain('¥48.00')
    expect(await textOf('revenue-total-gatewayFees')).toContain('¥2.88')
    expect(await textOf('revenue-total-subsidy')).toContain('¥12.00')
    expect(await textOf('revenue-rows')).toMatch(/2026-12-01[\s\S]*家政保洁[\s\S]*幸福家政/)
    expect(last(received, 'ServiceReportsCommissionRevenue').variables.groupBy).toBe('DAY')
    await (await find('revenue-by-month')).find('input').setValue(true)
    await vi.waitFor(() => expect(last(received, 'ServiceReportsCommissionRevenue').variables.groupBy).toBe('MONTH'))
  })
})

describe('支付对账', () => {
  it('reconciles a day now, shows its differences and marks one 已处理 with a note', async () => {
    const run = { id: 'run1', gateway: 'SANDBOX', day: '2026-12-01', compared: 12, differences: 1, unresolved: 1, finishedAt: '2026-12-02T01:00:00Z', createdAt: '2026-12-02T01:00:00Z' }
    const difference = { id: 'd1', runId: 'run1', kind: 'AMOUNT_MISMATCH', kindLabel: '金额不一致', reference: 'pay_123', orderId: 'o1', ours: 12000, theirs: 11000, note: '', resolvedAt: null, resolvedByName: null }
    let resolved = null
    const received = signedIn(operator, {
      ServiceReportsReconciliationRuns: () => ({ data: { reconciliationRuns: { ...connection([run]), totalCount: 1 } } }),
      ServiceReportsReconciliationRun: (variables) => payload('reconciliationRun', { run: { ...run, ...variables } }),
      ServiceReportsReconciliationDifferences: () => ({
        data: { reconciliationDifferences: { ...connection([resolved ? { ...difference, note: resolved.note, resolvedAt: '2026-12-02T03:00:00Z', resolvedByName: '运营方 郑经理' } : difference]), totalCount: 1 } },
      }),
      ServiceReportsReconciliationDifferenceResolve: (variables) => {
        resolved = variables
        return payload('reconciliationDifferenceResolve', { difference: { ...difference, note: variables.note } })
      },
    })
    wrapper = await openApp('/services/reconciliation')
    await vi.waitFor(async () => expect(await textOf('runs')).toMatch(/沙箱[\s\S]*2026-12-01[\s\S]*12/))
    await (await find('run-now')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('对账完成：核对 12 笔，差异 1 笔'))
    expect(last(received, 'ServiceReportsReconciliationRun').variables.gateway).toBe('SANDBOX')

    await vi.waitFor(async () => expect(await textOf('difference-kind')).toBe('金额不一致'))
    expect(await textOf('differences')).toMatch(/pay_123[\s\S]*¥120.00[\s\S]*¥110.00/)
    await (await find('difference-resolve')).trigger('click')
    await (await find('difference-note')).find('textarea').setValue('渠道手续费差额，已核实')
    await (await find('difference-note-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已标记为已处理'))
    expect(resolved).toEqual({ differenceId: 'd1', note: '渠道手续费差额，已核实' })
    await vi.waitFor(async () => expect(await textOf('differences')).toContain('渠道手续费差额，已核实'))
  })
})

describe('售后裁定', () => {
  it('lists every community’s disputes and refunds part after a confirmation naming the amount', async () => {
    let resolvedWith = null
    const received = signedIn(operator, {
      ServiceProviders: () => ({ data: { serviceProviders: { ...connection([provider('p1', { state: 'VERIFIED' }), provider('p2', { name: '好帮手', state: 'SUSPENDED' })]), totalCount: 2 } } }),
      DisputedServiceOrders: () => ({ data: { disputedServiceOrders: { ...connection([order('o1')]), totalCount: 1 } } }),
      ServiceOrderDisputeResolve: (variables) => {
        if (variables.refundFen > 12000) return refusal('serviceOrderDisputeResolve', '退款金额不能超过实付金额', 'refundFen')
        resolvedWith = variables
        return payload('serviceOrderDisputeResolve', { order: order('o1', { state: 'CONFIRMED' }) })
      },
    })
    const asked = answerConfirmations(true)
    wrapper = await openApp('/services/disputes')
    await vi.waitFor(async () => expect(await textOf('dispute-reason')).toBe('厨房没有打扫'))
    expect(received.filter((r) => r.operation === 'DisputedServiceOrders')).toHaveLength(1)

    await (await find('dispute-decide')).trigger('click')
    await (await find('dispute-outcome-PARTIAL')).find('input').setValue(true)
    await (await find('dispute-refund')).setValue('200')
    await (await find('dispute-note')).setValue('部分区域未打扫')
    await (await find('dispute-submit')).trigger('click')
    await vi.waitFor(async () => expect(await fieldError('dispute-refund-field')).toBe('退款金额不能超过实付金额'))
    expect(asked.mock.calls[0][0]).toContain('将向居民退款 ¥200.00')

    await (await find('dispute-refund')).setValue('40')
    await (await find('dispute-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已裁定'))
    expect(asked.mock.calls[1][0]).toContain('将向居民退款 ¥40.00')
    expect(resolvedWith).toEqual({ orderId: 'o1', outcome: 'PARTIAL', note: '部分区域未打扫', refundFen: 4000 })
  })
})

describe('服务政策', () => {
  const policies = (laundryPaid) => [
    { category: 'HOUSEKEEPING', categoryLabel: '家政保洁', paid: true },
    { category: 'LAUNDRY', categoryLabel: '洗衣', paid: laundryPaid },
  ]

  it('makes a category free after a confirmation, saves a subsidy, and revokes a grant after one', async () => {
    const calls = []
    signedIn(committee, {
      ServiceCategoryPolicies: () => ({ data: { serviceCategoryPolicies: policies(true) } }),
      ServiceCategoryPolicySet: (variables) => {
        calls.push(['set', variables])
        return payload('serviceCategoryPolicySet', { policies: policies(variables.paid) })
      },
      SubsidyPolicies: () => ({ data: { subsidyPolicies: [{ id: 'sp1', tier: 'AGE_80', tierLabel: '80 周岁以上（高龄）', minAge: 80, subsidyFen: 500, funder: '街道助餐补贴' }] } }),
      SubsidyPolicySave: (variables) => {
        if (variables.subsidyFen > 5000) return refusal('subsidyPolicySave', '每餐补贴不能超过 50 元', 'subsidyFen')
        calls.push(['subsidy', variables])
        return payload('subsidyPolicySave', { policy: {} })
      },
      SubsidyGrants: () => ({ data: { subsidyGrants: { ...connection([{ id: 'g1', personId: 'u7', personName: '王爷爷', tier: 'LOW_INCOME', tierLabel: '低保、特困', evidence: '低保证 123', validUntil: null, grantedAt: '2026-11-01T02:00:00Z' }]), totalCount: 1 } } }),
      SubsidyGrantRevoke: ({ grantId }) => {
        calls.push(['revoke', grantId])
        return payload('subsidyGrantRevoke', { revokedId: grantId })
      },
    })
    const asked = answerConfirmations(true)
    wrapper = await openApp('/services/policies')

    const laundry = await find('category-paid-LAUNDRY')
    await laundry.trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('洗衣已设为免费'))
    expect(asked.mock.calls[0][0]).toContain('不再付费')
    expect(calls[0]).toEqual(['set', { communityId: 'c1', category: 'LAUNDRY', paid: false }])

    const yuan = await find('subsidy-yuan-AGE_80')
    await vi.waitFor(() => expect(yuan.element.value).toBe('5'))
    await yuan.setValue('80')
    await (await find('subsidy-save-AGE_80')).trigger('click')
    await vi.waitFor(async () => expect(await fieldError('subsidy-field-AGE_80')).toBe('每餐补贴不能超过 50 元'))
    await yuan.setValue('6.5')
    await (await find('subsidy-save-AGE_80')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('补贴标准已保存'))
    expect(calls[1]).toEqual(['subsidy', { communityId: 'c1', tier: 'AGE_80', minAge: 80, subsidyFen: 650, funder: '街道助餐补贴' }])

    expect(await textOf('grants')).toMatch(/王爷爷[\s\S]*低保、特困[\s\S]*低保证 123[\s\S]*长期/)
    await (await find('grant-revoke')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已撤销补贴资格'))
    expect(asked.mock.calls.at(-1)[0]).toContain('王爷爷')
    expect(calls.at(-1)).toEqual(['revoke', 'g1'])
  })
})

describe('服务政策 grants', () => {
  it('grants a tier to a resident found by name, with the evidence refused beside its field first', async () => {
    const granted = []
    const received = signedIn(committee, {
      ServiceCategoryPolicies: () => ({ data: { serviceCategoryPolicies: [] } }),
      SubsidyPolicies: () => ({ data: { subsidyPolicies: [] } }),
      SubsidyGrants: () => ({ data: { subsidyGrants: { ...connection([]), totalCount: 0 } } }),
      RegistryResidents: () => ({
        data: { registryResidents: { ...connection([{ residenceId: 'h1', role: 'OWNER', since: null, address: '1栋102', room: { id: 'r1', number: '102' }, resident: { id: 'u7', displayName: '王爷爷', phone: '138****0007', idNumber: null } }]), totalCount: 1 } },
      }),
      SubsidyGrant: (variables) => {
        if (variables.evidence.length < 2) return refusal('subsidyGrant', '请填写认定依据（2–200 个字）', 'evidence')
        granted.push(variables)
        return payload('subsidyGrant', { grant: { id: 'g2' } })
      },
    })
    wrapper = await openApp('/services/policies')
    // Every tier is listed, those without a standard yet too.
    await vi.waitFor(async () => expect(await textOf('subsidy-policies')).toMatch(/60 周岁以上[\s\S]*未设置[\s\S]*失能、残疾/))

    await (await find('grant-add')).trigger('click')
    await (await find('grant-submit')).trigger('click')
    await vi.waitFor(async () => expect(await fieldError('grant-person-field')).toBe('请选择居民'))
    await (await find('grant-person-field')).find('input').setValue('王')
    await vi.waitFor(() => expect(last(received, 'RegistryResidents')?.variables).toMatchObject({ communityId: 'c1', search: '王' }))
    await vi.waitFor(() => expect([...document.querySelectorAll('.el-select-dropdown__item')].map((o) => o.textContent)).toContain('王爷爷 138****0007'))
    const option = [...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent === '王爷爷 138****0007')
    option.click()
    await (await find('grant-evidence')).setValue('低')
    await (await find('grant-submit')).trigger('click')
    await vi.waitFor(async () => expect(await fieldError('grant-evidence-field')).toBe('请填写认定依据（2–200 个字）'))
    expect((await find('grant-evidence')).element.value).toBe('低') // nothing lost on a refusal
    await (await find('grant-evidence')).setValue('低保证 2026-001')
    await (await find('grant-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已认定补贴资格'))
    expect(granted).toEqual([{ communityId: 'c1', personId: 'u7', tier: 'LOW_INCOME', evidence: '低保证 2026-001', validUntil: null }])
  })
})

describe('助餐补贴申报', () => {
  it('shows the month’s totals per funder and downloads the CSV', async () => {
    const received = signedIn(committee, {
      ServiceReportsSubsidyClaims: ({ month }) => ({
        data: {
          subsidyClaims: {
            communityId: 'c1',
            month,
            rows: [{ day: `${month}-02`, personId: 'u7', maskedName: '王*', tier: 'AGE_80', tierLabel: '80 周岁以上（高龄）', meals: 1, subsidy: 500 }],
            funders: [{ funder: '街道助餐补贴', people: 1, meals: 1, subsidy: 500 }],
            meals: 1,
            subsidy: 500,
          },
        },
      }),
      'GET /exports/communities/c1/subsidy-claims.csv': () => new Response('日期,居民\n', { status: 200 }),
    })
    URL.createObjectURL = vi.fn(() => 'blob:claims')
    URL.revokeObjectURL = vi.fn()
    wrapper = await openApp('/services/subsidy-claims')
    await vi.waitFor(async () => expect(await textOf('claims-funders')).toMatch(/街道助餐补贴[\s\S]*1[\s\S]*¥5.00/))
    expect(await textOf('claims-total')).toBe('合计 1 餐，补贴 ¥5.00')
    expect(await textOf('claims-rows')).toMatch(/王\*[\s\S]*80 周岁以上/)
    const { month } = last(received, 'ServiceReportsSubsidyClaims').variables
    await (await find('claims-export')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已导出申报表'))
    expect(received.find((r) => r.url.startsWith('/exports/')).url).toBe(`/exports/communities/c1/subsidy-claims.csv?month=${month}`)
  })
})

describe('社区服务订单', () => {
  it('finds the community’s orders by state and name', async () => {
    const received = signedIn(committee, {
      CommunityServiceOrders: () => ({ data: { communityServiceOrders: { ...connection([order('o1', { state: 'SETTLED', stateLabel: '已结算' })]), totalCount: 1 } } }),
    })
    wrapper = await openApp('/services/orders')
    await vi.waitFor(async () => expect(await textOf('community-orders')).toMatch(/家政保洁 · 日常保洁[\s\S]*幸福家政[\s\S]*¥120.00[\s\S]*已结算/))
    expect(await textOf('list-total')).toBe('共 1 条')
    await choose('orders-filter-state', '有争议')
    const search = await find('orders-search')
    await search.setValue('张阿姨')
    search.element.closest('form').dispatchEvent(new Event('submit'))
    await vi.waitFor(() =>
      expect(last(received, 'CommunityServiceOrders').variables).toMatchObject({ communityId: 'c1', state: 'DISPUTED', search: '张阿姨', first: 20 }),
    )
  })
})
