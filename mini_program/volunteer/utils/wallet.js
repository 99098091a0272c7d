// Hours and points as a resident reads them: minutes as hours (1.5 小时), the community the pages
// work in, and a wallet entry as a history line (signed, with 冻结中 for a hold).
const { formatDateTime } = require('../../utils/format')
const { communityOf: communityIn } = require('../../utils/community')

// The community the volunteer pages work in (utils/community.js).
const communityOf = (options) => communityIn(options, '志愿与积分')

function hoursText(minutes) {
  const hours = Math.round((minutes / 60) * 10) / 10
  return `${hours} 小时`
}

function amountText(ledger, amount) {
  const sign = amount > 0 ? '+' : amount < 0 ? '−' : ''
  const size = Math.abs(amount)
  return sign + (ledger === 'TIME' ? hoursText(size) : `${size} 积分`)
}

function entryLine(ledger, entry) {
  return {
    id: entry.id,
    label: entry.label,
    amount: amountText(ledger, entry.amount),
    incoming: entry.amount > 0,
    stateLabel: entry.stateLabel,
    counterparty: entry.counterparty,
    at: formatDateTime(entry.at),
  }
}

module.exports = { communityOf, hoursText, amountText, entryLine }
