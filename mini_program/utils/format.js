// Server times (ISO 8601) as the user's local date, or date and time.
const pad = (n) => String(n).padStart(2, '0')

function formatDate(iso) {
  const d = new Date(iso)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

function formatDateTime(iso) {
  const d = new Date(iso)
  return `${formatDate(iso)} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

module.exports = { formatDate, formatDateTime }
