const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf, choose } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

const INVITE_CODE = '0190f5a4c3e27b6c8d9e0f1a2b3c4d5e.1a2b3c4d5e6f7a8b'

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
  backend.answer('Household', () => ({
    viewer: {
      id: 'u-1',
      residences: [{
        id: 'r-1',
        role: 'OWNER',
        since: '2026-01-05T02:00:00+00:00',
        address: '阳光花园 1栋 1单元 101',
        members: [
          { residenceId: 'r-1', role: 'OWNER', person: { id: 'u-1', displayName: '张阿姨' } },
          { residenceId: 'r-2', role: 'CO_RESIDENT', person: { id: 'u-3', displayName: '李叔叔' } },
        ],
      }],
    },
  }))
})

const lastCall = () => backend.calls.at(-1)

test('shows the address, my role and the members', async () => {
  const page = await openPage('household')

  expect(textOf(page.querySelector('.address'))).toBe('阳光花园 1栋 1单元 101')
  expect(textOf(page.querySelector('.residence'))).toContain('业主 · 2026-01-05 起')
  expect(page.querySelectorAll('.member-name').map(textOf)).toEqual(['张阿姨', '李叔叔'])
  expect(page.querySelectorAll('.member-role').map(textOf)).toEqual(['业主', '同住人'])
})

test('the code from householdInviteCreate is shown, to copy and share', async () => {
  backend.answer('HouseholdInviteCreate', () => ({
    householdInviteCreate: { code: INVITE_CODE, expiresAt: '2026-11-08T02:00:00+00:00', errors: [] },
  }))
  const page = await openPage('household')

  choose(page, '.invite-roles', '租户')
  page.querySelector('.invite').dispatchEvent('tap')

  await until(() => expect(textOf(page.querySelector('.invite-code'))).toBe(INVITE_CODE))
  expect(lastCall()).toMatchObject({ operationName: 'HouseholdInviteCreate', variables: { role: 'TENANT' } })
  page.querySelector('.copy').dispatchEvent('tap')
  await until(() => expect(wx.setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: INVITE_CODE })))
})

test('join sends the pasted code and says the user has joined', async () => {
  backend.answer('HouseholdInviteAccept', () => ({ householdInviteAccept: { residenceId: 'r-9', errors: [] } }))
  const page = await openPage('join')

  page.querySelector('.code-input').dispatchEvent('input', { detail: { value: ` ${INVITE_CODE}\n` } })
  page.querySelector('.join').dispatchEvent('tap')

  await until(() => expect(textOf(page.querySelector('.done'))).toContain('已加入家庭'))
  expect(lastCall()).toMatchObject({ operationName: 'HouseholdInviteAccept', variables: { code: INVITE_CODE } })
})

test('迁出 asks first, then sends the residence id', async () => {
  backend.answer('ResidenceMoveOut', () => ({ residenceMoveOut: { residenceId: 'r-1', errors: [] } }))
  wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
  const page = await openPage('household')

  page.querySelector('.move-out').dispatchEvent('tap')
  await until(() => expect(wx.showModal).toHaveBeenCalledTimes(1))
  page.querySelector('.move-out').dispatchEvent('tap')

  await until(() => expect(backend.operations()).toContain('ResidenceMoveOut'))
  expect(wx.showModal.mock.calls[1][0].content).toContain('阳光花园 1栋 1单元 101')
  expect(backend.operations().filter((op) => op === 'ResidenceMoveOut')).toHaveLength(1)
  expect(backend.calls.find((c) => c.operationName === 'ResidenceMoveOut').variables).toEqual({ id: 'r-1' })
  await until(() => expect(lastCall().operationName).toBe('Household')) // the page shows what is left
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已迁出' }))
})
