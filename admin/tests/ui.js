// Opening the console in happy-dom and acting on it as a user would.
import { vi } from 'vitest'
import { DOMWrapper, mount } from '@vue/test-utils'
import { ElMessageBox } from 'element-plus'
import App from '../src/App.vue'
import { router } from '../src/router'
import { storeTokens } from '../src/graphql/client'
import { fakeGraphQLServer, tokens } from './fakeServer'

export async function openApp(path) {
  await router.push(path)
  const wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body })
  await router.isReady()
  return wrapper
}

/** What the server grants each staff role (backend/core/permissions.py ROLE_PERMISSIONS). */
export const ROLE_PERMISSIONS = {
  COMMITTEE_STAFF: [
    'AUDIT_READ',
    'CASE_HANDLE',
    'CASE_MANAGE',
    'CONSULT_ANSWER',
    'DELIBERATION_MANAGE',
    'MARKET_MANAGE',
    'MODERATE',
    'NOTICE_PUBLISH',
    'NOTICE_REACH',
    'PERSONAL_DATA_UNMASK',
    'PROXY_RECORD',
    'REGISTRY_IMPORT',
    'REGISTRY_READ',
    'REGISTRY_READ_ALL_GRIDS',
    'RESIDENCE_VERIFY',
    'SESSION_REVOKE',
    'VOTE_MANAGE',
  ],
  PROPERTY_STAFF: ['CASE_HANDLE', 'CONSULT_ANSWER', 'NOTICE_PUBLISH', 'NOTICE_REACH', 'REGISTRY_READ', 'REGISTRY_READ_ALL_GRIDS', 'RESIDENCE_VERIFY'],
  GRID_WORKER: ['CASE_HANDLE', 'NOTICE_REACH', 'REGISTRY_READ'],
}

/** A viewer holding `role` in 阳光社区 (c1), and a resident elsewhere. */
export const viewerWith = (role, displayName = '居委会 周主任') => ({
  id: 'u1',
  displayName,
  phone: '138****0001',
  memberships: [
    { role: 'RESIDENT', community: { id: 'c0', name: '别的社区' } },
    { role, community: { id: 'c1', name: '阳光社区' } },
  ],
  platformPermissions: [],
  permissions: [{ community: { id: 'c1', name: '阳光社区' }, permissions: ROLE_PERMISSIONS[role] }],
})

export const staffViewer = viewerWith('COMMITTEE_STAFF')

/** A signed-in committee member on a server answering `handlers` (and Viewer). */
export function signedInStaff(handlers) {
  storeTokens(tokens('committee'))
  return fakeGraphQLServer({ Viewer: () => ({ data: { viewer: staffViewer } }), ...handlers })
}

/** Dialogs and dropdowns may be teleported out of the app's element: look in the whole document. */
export const all = (testid) => [...document.querySelectorAll(`[data-testid=${testid}]`)].map((e) => new DOMWrapper(e))

export async function find(testid) {
  await vi.waitFor(() => {
    if (!all(testid).length) throw new Error(`no [data-testid=${testid}] yet`)
  })
  return all(testid)[0]
}

export const textOf = async (testid) => (await find(testid)).text()

/** Clicks the option of an Element Plus select (its dropdown lives in document.body). */
export async function choose(testid, label) {
  await (await find(testid)).find('.el-select__wrapper').trigger('click')
  const option = [...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent.trim() === label)
  await new DOMWrapper(option).trigger('click')
}

/** Gives the file input `testid` these files (File objects, or names of tiny ones) as if the user picked them. */
export async function chooseFiles(testid, ...files) {
  const input = (await find(testid)).element
  const value = files.map((f) => (typeof f === 'string' ? new File(['x'], f) : f))
  Object.defineProperty(input, 'files', { value, configurable: true })
  input.dispatchEvent(new Event('change'))
}

/** Answers every confirmation (ElMessageBox.confirm) with `confirm` or 取消, without the dialog: in
 * happy-dom its leave transition never ends, so it would never answer. Returns the spy, to read what was
 * asked and to change the answer (the Chromium tests use the real dialog). */
export const answerConfirmations = (confirm) =>
  vi.spyOn(ElMessageBox, 'confirm').mockImplementation(() => (confirm ? Promise.resolve('confirm') : Promise.reject('cancel')))

/** The texts of the toasts (ElMessage) on screen, of type `type`. */
export const toasts = (type = 'success') =>
  [...document.querySelectorAll(`.el-message--${type}`)].map((toast) => toast.textContent.trim())
