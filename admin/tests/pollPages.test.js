// The voting pages against a fake server: the builder's electorate preview and refusals, and a paper
// ballot entered on the poll's page.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DOMWrapper } from '@vue/test-utils'
import { connection, payload, refusal } from './fakeServer'
import { answerConfirmations, choose, find, openApp, signedInStaff, textOf, toasts } from './ui'
import { THRESHOLD_PRESETS } from '../src/voting/poll'

// Each test mounts the whole console; on a loaded machine the first one (cold imports) takes a while.
vi.setConfig({ testTimeout: 20_000 })

vi.mock('../src/charts', () => ({ drawPieChart: () => () => {}, drawBarChart: () => () => {} }))
// The live turnout's socket: none in these tests.
vi.mock('../src/live', () => ({ subscribe: () => () => {} }))

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

const poll = (overrides) => ({
  id: 'p1',
  title: '加装电梯',
  description: '',
  kind: 'SINGLE',
  items: [
    { key: 'i1', label: '同意', type: null },
    { key: 'i2', label: '反对', type: null },
  ],
  minChoices: 1,
  maxChoices: 1,
  electorate: 'HOUSEHOLD',
  scope: { kind: 'COMMUNITY' },
  householdRule: 'FIRST_STANDS',
  matter: 'ORDINARY',
  thresholds: THRESHOLD_PRESETS.ORDINARY,
  secrecy: 'NAMED',
  results: 'AFTER_CLOSE',
  allowChange: false,
  proxyCap: 1,
  opensAt: null,
  closesAt: '2026-12-08T02:00:00Z',
  remindHours: 24,
  state: 'OPEN',
  electorateSize: 2,
  electorateAreaDm2: 0,
  result: null,
  ...overrides,
})
const turnout = { entries: 2, areaDm2: 0, participated: 0, participatedAreaDm2: 0, byChannel: [] }

/** Clicks the button `testid` in the electorate row of `label` (Element Plus also renders the
 * column's template once outside the rows, to measure it). */
async function clickInRow(label, testid) {
  await vi.waitFor(() => expect(document.querySelector('.el-table__row')?.textContent).toContain(label))
  await new DOMWrapper(document.querySelector(`.el-table__row [data-testid=${testid}]`)).trigger('click')
}
const enterPaperFor = (label) => clickInRow(label, 'entry-paper')

/** Types `words` into the remote search select `testid` and picks the option `label`. */
async function searchAndPick(testid, words, label) {
  const select = await find(testid)
  await select.find('.el-select__wrapper').trigger('click')
  await select.find('input').setValue(words)
  await vi.waitFor(() => {
    const option = [...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent.trim() === label)
    if (!option) throw new Error(`no option ${label} yet`)
    option.click()
  })
}

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('poll builder', () => {
  it('counts the electorate of the buildings chosen, and shows a refused field beside it', async () => {
    const received = signedInStaff({
      ...registry,
      PollElectoratePreview: ({ scope }) => ({
        data: { pollElectoratePreview: { entries: scope.kind === 'COMMUNITY' ? 300 : 50, voters: 60, areaDm2: 0 } },
      }),
      PollCreate: () => refusal('pollCreate', '截止时间须在将来', 'closesAt'),
    })
    wrapper = await openApp('/polls/new')

    await vi.waitFor(async () => expect(await textOf('poll-preview-entries')).toBe('300'))
    await (await find('poll-title')).find('input').setValue('加装电梯')
    await choose('audience-kind', '按楼栋')
    await vi.waitFor(() => expect(document.body.textContent).toContain('阳光花园 2栋'))
    await choose('audience-building', '阳光花园 1栋')
    await vi.waitFor(async () => expect(await textOf('poll-preview-entries')).toBe('50'))
    expect(received.filter((r) => r.operation === 'PollElectoratePreview').at(-1).variables).toEqual({
      communityId: 'c1',
      electorate: 'HOUSEHOLD',
      scope: { kind: 'BUILDING', ids: ['b1'] },
    })

    await (await find('poll-save')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('poll-closes-at')).toContain('截止时间须在将来'))
    expect(received.find((r) => r.operation === 'PollCreate').variables.input).toMatchObject({
      title: '加装电梯',
      scope: { kind: 'BUILDING', ids: ['b1'] },
      thresholds: THRESHOLD_PRESETS.ORDINARY,
    })
  })
})

describe('poll page', () => {
  it('enters a paper ballot with its photo and reason once confirmed, and says so', async () => {
    const confirm = answerConfirmations(true)
    const received = signedInStaff({
      Poll: () => ({ data: { poll: poll() } }),
      PollTurnout: () => ({ data: { pollTurnout: turnout } }),
      PollElectorate: () => ({
        data: {
          pollElectorate: connection([
            { id: 'e1', label: '阳光花园 1栋 1单元 101', areaDm2: 0, headcount: 1, voted: false, channel: null },
          ]),
        },
      }),
      'POST /uploads': () => new Response(JSON.stringify({ id: 'u7', kind: 'vote_evidence', size: 1 })),
      BallotPaperEnter: () => payload('ballotPaperEnter', { receiptCode: 'ABCD-EFGH-JKLM-NPQR', entryId: 'e1' }),
    })
    wrapper = await openApp('/polls/p1')

    await enterPaperFor('1单元 101')
    const dialog = await find('paper-ballot')
    await dialog.findAll('.el-radio')[1].trigger('click') // 反对
    const input = (await find('paper-photo')).element
    Object.defineProperty(input, 'files', { value: [new File(['x'], '选票.jpg')], configurable: true })
    input.dispatchEvent(new Event('change'))
    await find('paper-photo-done')
    await (await find('paper-reason')).find('textarea').setValue('老人不会用手机')
    await (await find('paper-submit')).trigger('click')

    await vi.waitFor(async () => expect(await textOf('paper-receipt')).toBe('ABCD-EFGH-JKLM-NPQR'))
    expect(confirm.mock.calls[0][0]).toContain('登记后不能撤回')
    expect(received.find((r) => r.operation === 'BallotPaperEnter').variables).toEqual({
      pollId: 'p1',
      entryId: 'e1',
      channel: 'PAPER',
      ballot: { choices: ['i2'] },
      evidenceUploadId: 'u7',
      reason: '老人不会用手机',
    })
    expect(toasts()).toContain('已为「阳光花园 1栋 1单元 101」登记纸质选票')
  })

  it('asks for the photo before anything is sent', async () => {
    signedInStaff({
      Poll: () => ({ data: { poll: poll() } }),
      PollTurnout: () => ({ data: { pollTurnout: turnout } }),
      PollElectorate: () => ({
        data: { pollElectorate: connection([{ id: 'e1', label: '1单元 101', areaDm2: 0, headcount: 1, voted: false, channel: null }]) },
      }),
    })
    wrapper = await openApp('/polls/p1')
    await enterPaperFor('1单元 101')
    await (await find('paper-submit')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('paper-error')).toContain('请上传选票照片'))
  })

  it('records a written authorisation for the people found in the registry', async () => {
    answerConfirmations(true)
    const people = {
      张: { resident: { id: 'pz', displayName: '张阿姨' }, address: '阳光花园 1栋 1单元 101' },
      李: { resident: { id: 'pl', displayName: '李叔' }, address: '阳光花园 1栋 1单元 102' },
    }
    const received = signedInStaff({
      Poll: () => ({ data: { poll: poll() } }),
      PollTurnout: () => ({ data: { pollTurnout: turnout } }),
      PollElectorate: () => ({
        data: { pollElectorate: connection([{ id: 'e1', label: '1单元 101', areaDm2: 0, headcount: 1, voted: false, channel: null }]) },
      }),
      RegistryResidents: ({ search }) => ({ data: { registryResidents: { totalCount: 1, ...connection([people[search]]) } } }),
      'POST /uploads': () => new Response(JSON.stringify({ id: 'u8', kind: 'vote_evidence', size: 1 })),
      VoteAuthorisationRecord: () => payload('voteAuthorisationRecord', { authorisationId: 'a1' }),
    })
    wrapper = await openApp('/polls/p1')
    await clickInRow('1单元 101', 'entry-authorise')
    await searchAndPick('authorisation-principal', '张', '张阿姨（阳光花园 1栋 1单元 101）')
    await searchAndPick('authorisation-agent', '李', '李叔（阳光花园 1栋 1单元 102）')
    const input = (await find('authorisation-photo')).element
    Object.defineProperty(input, 'files', { value: [new File(['x'], '委托书.jpg')], configurable: true })
    input.dispatchEvent(new Event('change'))
    await find('authorisation-photo-done')
    await (await find('authorisation-submit')).trigger('click')

    await vi.waitFor(() => expect(toasts()).toContain('已登记「1单元 101」的委托书'))
    expect(received.find((r) => r.operation === 'VoteAuthorisationRecord').variables).toEqual({
      pollId: 'p1',
      entryId: 'e1',
      principalId: 'pz',
      agentId: 'pl',
      evidenceUploadId: 'u8',
    })
  })
})

describe('poll list', () => {
  it('asks the server for the polls whose title holds the words typed, on Enter', async () => {
    const received = signedInStaff({
      Polls: ({ search }) => ({
        data: {
          polls: connection([poll(), poll({ id: 'p2', title: '停车位租金调整' })]
            .filter((p) => !search || p.title.includes(search))),
        },
      }),
    })
    wrapper = await openApp('/polls')
    await vi.waitFor(() => expect(document.body.textContent).toContain('停车位租金调整'))

    const search = await find('poll-search') // Element Plus puts the attribute on the <input> itself
    await search.setValue(' 电梯 ')
    search.element.closest('form').dispatchEvent(new Event('submit'))
    await vi.waitFor(() => expect(document.body.textContent).not.toContain('停车位租金调整'))
    expect(document.body.textContent).toContain('加装电梯')
    expect(received.filter((r) => r.operation === 'Polls').at(-1).variables).toMatchObject({
      communityId: 'c1', search: '电梯', state: null,
    })
  })
})
