import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection } from './fakeServer'
import { all, choose, find, openApp, signedInStaff, textOf, toasts } from './ui'

const room = {
  unitName: '1单元',
  room: { id: 'r1', code: 'YG-1-1-101', number: '101', floor: 1, areaM2: '89.20' },
  residents: [
    {
      residenceId: 'pr1',
      role: 'OWNER',
      since: '2026-01-02T03:04:05Z',
      resident: { id: 'p1', displayName: '张阿姨', phone: '138****0006', idNumber: null },
    },
  ],
}

const living = (name, phone, n) => ({
  residenceId: `pr${n}`,
  role: 'OWNER',
  since: '2026-01-02T03:04:05Z',
  address: `阳光花园 1栋 1单元 ${100 + n}`,
  room: { id: `r${n}`, number: `${100 + n}` },
  resident: { id: `p${n}`, displayName: name, phone, idNumber: null },
})
// 45 residents; the search finds them as the server does: by name, room number, or a phone's last four digits.
const everyone = [living('张阿姨', '138****0006', 1), ...Array.from({ length: 44 }, (_, i) => living(`住户${i}`, `139****${1000 + i}`, i + 2))]
const finds = (search) => (r) =>
  !search || r.resident.displayName.includes(search) || r.room.number === search ||
  (/^\d{4}$/.test(search) && r.resident.phone?.endsWith(search))

/** One estate, one building, one room, the 45 residents to search; unmasking answers `unmask`. */
const registryServer = (unmask = { value: '13800000006', errors: [] }) =>
  signedInStaff({
    RegistryResidents: ({ search, first, after }) => {
      const matching = everyone.filter(finds(search))
      const start = after ? Number(after) : 0
      return {
        data: {
          registryResidents: {
            ...connection(matching.slice(start, start + first), start + first < matching.length ? String(start + first) : null),
            totalCount: matching.length,
          },
        },
      }
    },
    RegistryEstates: () => ({ data: { registryEstates: [{ id: 'e1', name: '阳光花园' }] } }),
    RegistryBuildings: () => ({
      data: { registryBuildings: [{ id: 'b1', name: '1栋', estateName: '阳光花园', gridName: '第1网格' }] },
    }),
    RegistryRooms: () => ({ data: { registryRooms: [room] } }),
    PersonalDataUnmask: () => ({ data: { personalDataUnmask: unmask } }),
  })

/** Opens the registry and the unmask dialog of the one resident. */
async function openUnmaskDialog() {
  const app = await openApp('/registry')
  await choose('building-select', '阳光花园 1栋')
  await vi.waitFor(() => expect(all('resident')).toHaveLength(1))
  await all('resident')[0].find('[data-testid=unmask]').trigger('click')
  return app
}

const giveReason = async (reason) => {
  await (await find('unmask-reason')).find('textarea').setValue(reason)
  await (await find('unmask-reason-submit')).trigger('click')
}

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
})

const foundNames = () => all('found-name').map((n) => n.text())

describe('registry', () => {
  it('lists everyone living there a page at a time with the total, and finds them by name or phone tail', async () => {
    const received = registryServer()
    wrapper = await openApp('/registry')

    await vi.waitFor(async () => expect(await textOf('list-total')).toBe('共 45 条'))
    expect(foundNames()).toHaveLength(20)
    await (await find('page-next')).trigger('click')
    await vi.waitFor(() => expect(foundNames()[0]).toBe('住户19'))
    expect(await textOf('pager')).toContain('第 2 页')

    await (await find('registry-search')).setValue('张阿')
    await (await find('registry-search-submit')).trigger('click')
    await vi.waitFor(() => expect(foundNames()).toEqual(['张阿姨']))
    expect(await textOf('registry-residents')).toMatch(/阳光花园 1栋 1单元 101\s*张阿姨\s*业主\s*138\*\*\*\*0006/)
    expect(await textOf('list-total')).toBe('共 1 条')

    await (await find('registry-search')).setValue('1043')
    await (await find('registry-search-submit')).trigger('click')
    await vi.waitFor(() => expect(foundNames()).toEqual(['住户43']))
    expect(received.filter((r) => r.operation === 'RegistryResidents').map((r) => r.variables)).toEqual([
      { communityId: 'c1', search: null, first: 20, after: null },
      { communityId: 'c1', search: null, first: 20, after: '20' },
      { communityId: 'c1', search: '张阿', first: 20, after: null },
      { communityId: 'c1', search: '1043', first: 20, after: null },
    ])
  })

  it("lists a building's rooms with their residents, masked", async () => {
    const received = registryServer()
    wrapper = await openApp('/registry')

    await choose('building-select', '阳光花园 1栋')

    await vi.waitFor(async () => expect(await textOf('rooms')).toMatch(/1单元\s*101\s*1\s*89.20/))
    expect(all('resident')[0].text()).toMatch(/张阿姨\s*业主\s*138\*\*\*\*0006/)
    const buildingsQuery = received.find((r) => r.operation === 'RegistryBuildings')
    expect(buildingsQuery.variables).toEqual({ communityId: 'c1', estateId: null })
    expect(received.find((r) => r.operation === 'RegistryRooms').variables).toEqual({ buildingId: 'b1' })
  })

  it('shows the full number only for a reason of 4 to 200 characters', async () => {
    const received = registryServer()
    wrapper = await openUnmaskDialog()

    await giveReason('核实')
    await vi.waitFor(async () => expect(await textOf('unmask-reason')).toContain('请填写原因（4–200 字）'))
    expect(received.some((r) => r.operation === 'PersonalDataUnmask')).toBe(false)

    await giveReason('核实住户身份')

    await vi.waitFor(async () => expect(await textOf('unmask-value')).toBe('13800000006'))
    expect(toasts()).toContain('本次查看及原因已记入查阅记录')
    expect(received.find((r) => r.operation === 'PersonalDataUnmask').variables).toEqual({
      personId: 'p1',
      field: 'PHONE',
      reason: '核实住户身份',
    })
  })

  it("shows the server's refusal", async () => {
    registryServer({ value: null, errors: [{ code: 'FORBIDDEN', field: null, message: '您没有此项操作的权限' }] })
    wrapper = await openUnmaskDialog()

    await giveReason('核实住户身份')

    await vi.waitFor(async () => expect(await textOf('dialog-error')).toContain('您没有此项操作的权限'))
    expect(all('unmask-value')).toHaveLength(0)
  })
})
