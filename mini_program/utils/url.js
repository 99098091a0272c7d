// A URL the server gave, made absolute: the server may give paths relative to itself
// (/media/public/…), which WeChat cannot load, or full URLs (kept as they are).
function absoluteUrl(url, apiBase) {
  if (/^https?:\/\//i.test(url)) return url
  if (url.startsWith('//')) return `https:${url}`
  return `${apiBase}${url.startsWith('/') ? '' : '/'}${url}`
}

module.exports = { absoluteUrl }
