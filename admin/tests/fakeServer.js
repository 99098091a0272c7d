// Stands in for the backend's HTTP contract. /graphql: a POST of {documentId, operationName, variables}
// with the bearer token in Authorization, answered with {data} or {errors}; like the server with
// trusted documents, it knows the operation by its id only. The file endpoints beside it (/uploads,
// /exports/…) answer plain HTTP.
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

export const jsonResponse = (body, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

/** Installs a fake fetch. `handlers[operation](variables, token)` returns a /graphql response body;
 * `handlers['POST /uploads'](request, token)` (method and path) returns the Response of a file
 * endpoint. Returns the list of requests received, in order. */
export function fakeGraphQLServer(handlers) {
  const received = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url, init = {}) => {
      const token = init.headers?.Authorization?.replace('Bearer ', '') ?? null
      if (url !== '/graphql') {
        const request = { url, method: init.method ?? 'GET', body: init.body, token }
        received.push(request)
        return handlers[`${request.method} ${url.split('?')[0]}`](request, token)
      }
      const { documentId, variables } = JSON.parse(init.body)
      const operation = operationById[documentId]
      received.push({ url, operation, variables, token })
      return jsonResponse(await handlers[operation](variables, token))
    }),
  )
  return received
}

/** A connection page of `nodes`, the last one unless `endCursor` says where the next starts. */
export const connection = (nodes, endCursor = null) => ({
  nodes,
  pageInfo: { hasNextPage: endCursor !== null, endCursor },
})

/** A mutation's answer: `mutation` (say 'noticeCreate') returned `result` with no user errors. */
export const payload = (mutation, result) => ({ data: { [mutation]: { ...result, errors: [] } } })

/** A mutation's answer refusing the input: one user error, about `field` when given. */
export const refusal = (mutation, message, field = null) => ({
  data: { [mutation]: { errors: [{ code: 'INVALID_INPUT', field, message }] } },
})
