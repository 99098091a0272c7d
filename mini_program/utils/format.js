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

// A time of day as minutes since midnight (what the server keeps) and as 'HH:MM' (what a
// <picker mode="time"> shows and answers).
function minutesToTime(minutes) {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
}

function timeToMinutes(time) {
  const [hours, minutes] = time.split(':').map(Number)
  return hours * 60 + minutes
}

module.exports = { formatDate, formatDateTime, minutesToTime, timeToMinutes }
