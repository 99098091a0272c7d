import { describe, expect, it } from 'vitest'
import {
  actionsFor,
  ballotInput,
  emptyBallot,
  emptyForm,
  formOf,
  parseFraction,
  pollInput,
  THRESHOLD_PRESETS,
  thresholdFields,
  thresholdText,
  tighterModes,
} from '../src/voting/poll'

const NOW = new Date('2026-12-01T00:00:00Z')

describe('poll builder', () => {
  it('sends a household poll of chosen buildings with the matter’s thresholds as fractions', () => {
    const form = { ...emptyForm(NOW), title: '加装电梯', scope: { kind: 'BUILDING', ids: ['b1', 'b2'], roles: [] } }
    const input = pollInput(form)
    expect(input).toMatchObject({
      title: '加装电梯',
      kind: 'SINGLE',
      items: [{ label: '同意' }, { label: '反对' }],
      electorate: 'HOUSEHOLD',
      scope: { kind: 'BUILDING', ids: ['b1', 'b2'] },
      closesAt: '2026-12-08T00:00:00.000Z',
      opensAt: null,
    })
    expect(input.thresholds).toEqual(THRESHOLD_PRESETS.ORDINARY)
    expect(pollInput({ ...form, scope: { kind: 'COMMUNITY', ids: ['stale'], roles: [] } }).scope).toEqual({ kind: 'COMMUNITY' })
  })

  it('sends edited thresholds, and refuses one that is not a fraction in Chinese, naming the field', () => {
    const form = emptyForm(NOW)
    form.thresholds = thresholdFields(THRESHOLD_PRESETS.MAJOR)
    form.thresholds.passArea = { fraction: ' 4 / 5 ', strict: true }
    expect(pollInput(form).thresholds.passArea).toEqual({ numerator: 4, denominator: 5, strict: true })
    form.thresholds.passHeadcount.fraction = '75%'
    let refused = null
    try {
      pollInput(form)
    } catch (e) {
      refused = e
    }
    expect(refused).toMatchObject({ message: '通过人数门槛须写成分数，如 2/3', field: 'thresholds' })
  })

  it('sends choice limits only for multiple choice and question types only for questionnaires', () => {
    const form = { ...emptyForm(NOW), minChoices: 2, maxChoices: 3 }
    expect(pollInput(form)).toMatchObject({ minChoices: 1, maxChoices: 1, items: [{ label: '同意' }, { label: '反对' }] })
    expect(pollInput({ ...form, kind: 'MULTIPLE' })).toMatchObject({ minChoices: 2, maxChoices: 3 })
    const questionnaire = { ...form, kind: 'QUESTIONNAIRE', items: [{ label: '几口人', type: 'NUMBER' }] }
    expect(pollInput(questionnaire).items).toEqual([{ label: '几口人', type: 'NUMBER' }])
  })

  it('edits a saved poll as it was built', () => {
    const saved = {
      ...pollInput({ ...emptyForm(NOW), title: '换物业', matter: 'MAJOR', thresholds: thresholdFields(THRESHOLD_PRESETS.MAJOR) }),
      items: [
        { key: 'i1', label: '同意', type: null },
        { key: 'i2', label: '反对', type: null },
      ],
      scope: { kind: 'GRID', ids: ['g1'] },
      opensAt: '2026-12-02T00:00:00Z',
    }
    const form = formOf(saved)
    expect(form).toMatchObject({ title: '换物业', matter: 'MAJOR', scope: { kind: 'GRID', ids: ['g1'] } })
    expect(form.thresholds.passArea).toEqual({ fraction: '3/4', strict: false })
    expect(pollInput(form)).toMatchObject({ opensAt: '2026-12-02T00:00:00.000Z', thresholds: THRESHOLD_PRESETS.MAJOR })
  })

  it('reads fractions and writes thresholds as people read them', () => {
    expect(parseFraction('2/3')).toEqual({ numerator: 2, denominator: 3 })
    expect(parseFraction('2')).toBeNull()
    expect(parseFraction('')).toBeNull()
    expect(thresholdText({ numerator: 1, denominator: 2, strict: true })).toBe('> 1/2')
    expect(thresholdText({ numerator: 2, denominator: 3, strict: false })).toBe('≥ 2/3')
  })
})

describe('paper ballot', () => {
  const poll = (kind, items) => ({ kind, items })
  const options = [
    { key: 'i1', label: '同意' },
    { key: 'i2', label: '反对' },
  ]

  it('sends the option ticked on a single-choice ballot, and asks for one when none is', () => {
    const single = poll('SINGLE', options)
    expect(ballotInput(single, { ...emptyBallot(single), choices: 'i2' })).toEqual({ choices: ['i2'] })
    expect(() => ballotInput(single, emptyBallot(single))).toThrow('请选择选票上勾选的选项')
  })

  it('sends each motion’s answer, naming the first left blank', () => {
    const motions = poll('MOTIONS', [
      { key: 'i1', label: '续聘物业' },
      { key: 'i2', label: '动用维修资金' },
    ])
    const ballot = emptyBallot(motions)
    ballot.motions.i1 = 'YES'
    expect(() => ballotInput(motions, ballot)).toThrow('请选择「动用维修资金」的表决意见')
    ballot.motions.i2 = 'ABSTAIN'
    expect(ballotInput(motions, ballot)).toEqual({
      motions: [
        { key: 'i1', answer: 'YES' },
        { key: 'i2', answer: 'ABSTAIN' },
      ],
    })
  })

  it('sends questionnaire answers as text or numbers, skipping blank ones', () => {
    const questionnaire = poll('QUESTIONNAIRE', [
      { key: 'i1', label: '建议', type: 'TEXT' },
      { key: 'i2', label: '几口人', type: 'NUMBER' },
      { key: 'i3', label: '其他', type: 'TEXT' },
    ])
    const ballot = { ...emptyBallot(questionnaire), answers: { i1: ' 多装路灯 ', i2: '3', i3: '' } }
    expect(ballotInput(questionnaire, ballot)).toEqual({
      answers: [
        { key: 'i1', text: '多装路灯' },
        { key: 'i2', number: 3 },
      ],
    })
    expect(() => ballotInput(questionnaire, { ...ballot, answers: { i2: '三' } })).toThrow('「几口人」须填写数字')
  })
})

describe('poll lifecycle', () => {
  it('offers what each state allows', () => {
    expect(actionsFor({ state: 'DRAFT', opensAt: null })).toEqual(['edit', 'open'])
    expect(actionsFor({ state: 'DRAFT', opensAt: '2026-12-02T00:00:00Z' })).toEqual(['edit', 'schedule', 'open'])
    expect(actionsFor({ state: 'OPEN' })).toContain('paper')
    expect(actionsFor({ state: 'CLOSED' })).toEqual(['publish'])
    expect(actionsFor({ state: 'PUBLISHED' })).toEqual([])
  })

  it('tightens only towards stricter modes, never to a secret owners’ assembly', () => {
    expect(tighterModes({ secrecy: 'NAMED', results: 'LIVE', electorate: 'HOUSEHOLD' })).toEqual({
      secrecy: ['HIDDEN', 'SECRET'],
      results: ['AFTER_CLOSE'],
    })
    expect(tighterModes({ secrecy: 'NAMED', results: 'AFTER_CLOSE', electorate: 'OWNERS_ASSEMBLY' })).toEqual({
      secrecy: ['HIDDEN'],
      results: [],
    })
    expect(tighterModes({ secrecy: 'SECRET', results: 'AFTER_CLOSE', electorate: 'PERSON' }).secrecy).toEqual([])
  })
})
