// The case statistics' figures in words (backend/cases/stats.py says what each counts).

/** A rate of 0–1 as "71.4%"; "—" when nothing was counted. */
export const rateText = (rate) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`)

/** A rate of 0–1 in percent to one decimal, for charts; null when nothing was counted. */
export const ratePercent = (rate) => (rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10)

/** Minutes as "2 小时 5 分钟", "45 分钟" or "3 天 2 小时"; "—" when there is no figure. */
export function minutesText(minutes) {
  if (minutes === null || minutes === undefined) return '—'
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const rest = minutes % 60
  if (days) return hours ? `${days} 天 ${hours} 小时` : `${days} 天`
  if (hours) return rest ? `${hours} 小时 ${rest} 分钟` : `${hours} 小时`
  return `${rest} 分钟`
}

/** A mean rating as "3.67 分"; "—" without ratings. */
export const ratingText = (mean) => (mean === null || mean === undefined ? '—' : `${mean.toFixed(2)} 分`)

const pad = (n) => String(n).padStart(2, '0')
export const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** The day after an ISO day "2026-03-31" -> "2026-04-01" (the API's `to` is excluded). */
export function nextDay(iso) {
  const [y, m, d] = iso.split('-').map(Number)
  return isoDay(new Date(y, m - 1, d + 1))
}

/** This month so far: [first day, today], both shown in the picker (today included). */
export function thisMonth(today = new Date()) {
  return [isoDay(new Date(today.getFullYear(), today.getMonth(), 1)), isoDay(today)]
}
