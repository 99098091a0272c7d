// Money from the API is integer fen; people read ¥ with two decimals only when there are cents.
function yuanText(fen) {
  return `¥${fen % 100 ? (fen / 100).toFixed(2) : fen / 100}`
}

module.exports = { yuanText }
