import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { all, answerConfirmations, find, openApp, signedInStaff, textOf, toasts } from './ui'

const application = (id, name) => ({
  id,
  status: 'PENDING',
  role: 'TENANT',
  reason: null,
  createdAt: '2026-03-01T02:00:00Z',
  proofUrl: `/media/${id}?expires=1&sig=x`,
  person: { id: `p-${id}`, displayName: name },
  room: { id: `r-${id}`, code: 'CZ-2-1-305', number: '305' },
})

/** A queue of two pending applications; a decision is refused with `refusal` when given. */
function queueServer({ refusal } = {}) {
  const applications = [application('a1', '志愿者 小林'), application('a2', '李四')]
  const decide = (name, status) => ({ id, reason }) => {
    if (refusal) {
      return { data: { [name]: { application: null, errors: [{ code: 'INVALID_INPUT', message: refusal }] } } }
    }
    const decided = applications.find((a) => a.id === id)
    Object.assign(decided, { status, reason: reason ?? null })
    return { data: { [name]: { application: { id, status, reason: decided.reason }, errors: [] } } }
  }
  return signedInStaff({
    ResidenceApplications: ({ status }) => ({
      data: {
        residenceApplications: {
          nodes: applications.filter((a) => !status || a.status === status),
          pageInfo: { hasNextPage: false, endCursor: null },
        },
      },
    }),
    ResidenceApprove: decide('residenceApprove', 'APPROVED'),
    ResidenceReject: decide('residenceReject', 'REJECTED'),
  })
}

const rowOf = (name) => all('queue-row').find((row) => row.text().includes(name))

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('verification queue', () => {
  it('lists the pending applications of the staff community', async () => {
    const received = queueServer()
    wrapper = await openApp('/verification')

    await vi.waitFor(() => expect(all('queue-row')).toHaveLength(2))
    expect(rowOf('志愿者 小林').text()).toMatch(/租户[\s\S]*305（CZ-2-1-305）/)
    expect(rowOf('志愿者 小林').find('img').attributes('src')).toBe('/media/a1?expires=1&sig=x')
    const query = received.find((r) => r.operation === 'ResidenceApplications').variables
    expect(query).toMatchObject({ communityId: 'c1', status: 'PENDING', after: null })
    expect(query.first).toBeLessThanOrEqual(50)
  })

  it('approves an application once confirmed, says so, and it leaves the list', async () => {
    const received = queueServer()
    wrapper = await openApp('/verification')
    await vi.waitFor(() => expect(all('queue-row')).toHaveLength(2))

    const asked = answerConfirmations(false)
    await rowOf('志愿者 小林').find('[data-testid=approve]').trigger('click')
    await vi.waitFor(() => expect(asked).toHaveBeenCalledOnce())
    expect(asked.mock.calls[0][0]).toContain('确认 志愿者 小林 住在 305（CZ-2-1-305）')
    expect(received.some((r) => r.operation === 'ResidenceApprove')).toBe(false)
    answerConfirmations(true)
    await rowOf('志愿者 小林').find('[data-testid=approve]').trigger('click')

    await vi.waitFor(() => expect(all('queue-row')).toHaveLength(1))
    expect(all('queue-row')[0].text()).toContain('李四')
    expect(received.filter((r) => r.operation === 'ResidenceApprove').map((r) => r.variables)).toEqual([{ id: 'a1' }])
    expect(toasts()).toContain('已通过 志愿者 小林 的认证')
  })

  it('rejects only with a reason', async () => {
    const received = queueServer()
    wrapper = await openApp('/verification')
    await vi.waitFor(() => expect(all('queue-row')).toHaveLength(2))

    await rowOf('李四').find('[data-testid=reject]').trigger('click')
    await (await find('reject-reason-submit')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('reject-reason')).toContain('请填写原因（2–200 字）'))
    expect(received.some((r) => r.operation === 'ResidenceReject')).toBe(false)

    await (await find('reject-reason')).find('textarea').setValue('照片看不清')
    await (await find('reject-reason-submit')).trigger('click')

    await vi.waitFor(() => expect(all('queue-row').map((row) => row.text()).join()).not.toContain('李四'))
    expect(received.find((r) => r.operation === 'ResidenceReject').variables).toEqual({ id: 'a2', reason: '照片看不清' })
    expect(toasts()).toContain('已驳回 李四 的申请')
  })

  it("shows the server's refusal and keeps the application", async () => {
    queueServer({ refusal: '该申请已处理过' })
    wrapper = await openApp('/verification')
    await vi.waitFor(() => expect(all('queue-row')).toHaveLength(2))

    answerConfirmations(true)
    await rowOf('志愿者 小林').find('[data-testid=approve]').trigger('click')

    await vi.waitFor(async () => expect(await textOf('queue-error')).toContain('该申请已处理过'))
    expect(all('queue-row')).toHaveLength(2)
  })
})
