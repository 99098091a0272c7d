// Stands in for the backend's /graphql HTTP contract: a POST of
// {documentId, operationName, variables} with the bearer token in Authorization, answered with
// {data} or {errors}. Like the server with trusted documents, it knows the operation by its id only.
import { vi } from 'vitest'
import documentIds from '../src/graphql/persisted.json'

const operationById = Object.fromEntries(Object.entries(documentIds).map(([name, id]) => [id, name]))

export const unauthenticated = {
  data: null,
  errors: [{ message: '登录已过期', extensions: { code: 'UNAUTHENTICATED' } }],
}

export const tokens = (name) => ({
  accessToken: `access-${name}`,
  refreshToken: `refresh-${name}`,
  accessExpiresAt: '2026-01-01T00:00:00Z',
})

/** Installs a fake fetch; `handlers[operation](variables, token)` returns the response body.
 * Returns the list of requests received, in order. */
export function fakeGraphQLServer(handlers) {
  const received = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url, init) => {
      const { documentId, variables } = JSON.parse(init.body)
      const operation = operationById[documentId]
      const token = init.headers.Authorization?.replace('Bearer ', '') ?? null
      received.push({ url, operation, variables, token })
      const body = await handlers[operation](variables, token)
      return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } })
    }),
  )
  return received
}
