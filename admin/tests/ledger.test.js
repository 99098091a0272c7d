import { describe, expect, test } from 'vitest'
import { amountText, todayInShanghai } from '../src/ledger/labels'

describe('the ledger in words', () => {
  test('amounts read in their unit: minutes as hours, points, fen as yuan', () => {
    expect(amountText('TIME', 90)).toBe('1.5 小时')
    expect(amountText('TIME', -60)).toBe('-1 小时')
    expect(amountText('POINTS', 30)).toBe('30 积分')
    expect(amountText('CNY', 1250)).toBe('¥12.50')
  })

  test("a statement is as of today in Shanghai, whatever the browser's zone", () => {
    expect(todayInShanghai(new Date('2026-12-02T17:30:00Z'))).toBe('2026-12-03')
    expect(todayInShanghai(new Date('2026-12-02T15:59:00Z'))).toBe('2026-12-02')
  })
})
