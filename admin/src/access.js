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

/** The permission names held in `staff` (one entry of staffCommunities, or null), over the platform,
 * and STREET_SUPERVISOR for a street supervisor. */
export const grantedIn = (viewer, staff) =>
  new Set([
    ...(staff?.permissions ?? []),
    ...(viewer.platformPermissions ?? []),
    ...(viewer.supervisedStreets?.length ? [STREET_SUPERVISOR] : []),
  ])
