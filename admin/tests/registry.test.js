import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { all, choose, find, openApp, signedInStaff, textOf } from './ui'

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

/** One estate, one building, one room; unmasking answers `unmask`. */
const registryServer = (unmask = { value: '13800000006', errors: [] }) =>
  signedInStaff({
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

describe('registry', () => {
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
