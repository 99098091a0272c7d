const pad = (n) => String(n).padStart(2, '0')

/** An ISO timestamp as local "2026-03-01 14:05". */
export function formatTime(iso) {
  const t = new Date(iso)
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`
}

/** An ISO timestamp as its local date, "2026-03-01". */
export const formatDate = (iso) => formatTime(iso).slice(0, 10)

/** A JSON value on one line, or a dash when there is none. */
export const compactJson = (value) => (value == null ? '—' : JSON.stringify(value))

/** A file size in bytes as "12.3 KB" or "1.5 MB". */
export function formatSize(bytes) {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
