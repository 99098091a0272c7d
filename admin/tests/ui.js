// Opening the console in happy-dom and acting on it as a user would.
import { vi } from 'vitest'
import { DOMWrapper, mount } from '@vue/test-utils'
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

export const staffViewer = {
  id: 'u1',
  displayName: '居委会 周主任',
  phone: '138****0001',
  memberships: [
    { role: 'RESIDENT', community: { id: 'c0', name: '别的社区' } },
    { role: 'COMMITTEE_STAFF', community: { id: 'c1', name: '阳光社区' } },
  ],
}

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
