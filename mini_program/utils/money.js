// Amounts in fen (what the API sends) as the user reads them: ¥120, ¥12.50.
function yuanText(fen) {
  return `¥${fen % 100 ? (fen / 100).toFixed(2) : fen / 100}`
}

module.exports = { yuanText }
