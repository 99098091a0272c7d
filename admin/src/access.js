// What the signed-in person may do in the community they work in now: the permissions the server
// computes for the viewer (viewer.permissions, per community; viewer.platformPermissions).

/** The communities where the viewer holds a staff role: [{community, permissions}]. */
export const staffCommunities = (viewer) => viewer.permissions ?? []

/** The staff community chosen before (by id), else the first one; null for someone with none. */
export function chooseCommunity(viewer, storedId) {
  const all = staffCommunities(viewer)
  return all.find((c) => c.community.id === storedId) ?? all[0] ?? null
}

/** Not a server permission: held by whoever supervises a street (viewer.supervisedStreets), which
 * opens the street's escalated cases (the server checks the supervision on every request). */
export const STREET_SUPERVISOR = 'STREET_SUPERVISOR'

/** Not a server permission either: held by whoever administers a provider (viewer.myProviders with
 * role ADMIN), which opens the 服务商 pages of the provider chosen (the server checks the role each time). */
export const PROVIDER_ADMIN = 'PROVIDER_ADMIN'

/** The providers the viewer administers: [{id, name, categories, state}]. Workers use the mini-program. */
export const administeredProviders = (viewer) =>
  (viewer.myProviders ?? []).filter((m) => m.role === 'ADMIN').map((m) => m.provider)

/** The administered provider chosen before (by id), else the first one; null for someone with none. */
export function chooseProvider(viewer, storedId) {
  const all = administeredProviders(viewer)
  return all.find((p) => p.id === storedId) ?? all[0] ?? null
}

/** The permission names held in `staff` (one entry of staffCommunities, or null), over the platform,
 * STREET_SUPERVISOR for a street supervisor and PROVIDER_ADMIN for a provider's admin. */
export const grantedIn = (viewer, staff) =>
  new Set([
    ...(staff?.permissions ?? []),
    ...(viewer.platformPermissions ?? []),
    ...(viewer.supervisedStreets?.length ? [STREET_SUPERVISOR] : []),
    ...(administeredProviders(viewer).length ? [PROVIDER_ADMIN] : []),
  ])
