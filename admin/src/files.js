// Uploads and downloads beside /graphql: plain HTTP with the console's bearer token.
import { authorizedFetch, transportFailure } from './graphql/client'

/** The server's `{errors: [{message}]}` answer as an Error, or what the HTTP status means when there is none. */
async function failure(response, what) {
  const body = await response.json().catch(() => null)
  return new Error(body?.errors?.[0]?.message ?? `${what}失败：${transportFailure(response.status)}`)
}

/** Uploads a file as multipart field `file`; resolves to `{id, kind, size}`. */
export async function uploadFile(kind, file) {
  const form = new FormData()
  form.append('file', file)
  const response = await authorizedFetch(`/uploads?kind=${encodeURIComponent(kind)}`, { method: 'POST', body: form })
  if (!response.ok) throw await failure(response, '上传')
  return response.json()
}

/** Fetches a file and hands it to the browser as a download named `filename`. */
export async function downloadFile(url, filename) {
  const response = await authorizedFetch(url)
  if (!response.ok) throw await failure(response, '下载')
  const link = document.createElement('a')
  link.href = URL.createObjectURL(await response.blob())
  link.download = filename
  link.click()
  setTimeout(() => URL.revokeObjectURL(link.href), 1000)
}

/** The upload id of a stored attachment: the last path segment of its url, /media/notices/<notice>/attachments/<id>. */
export const attachmentId = (url) => url.split('?')[0].split('/').pop()
