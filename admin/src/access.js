// What the signed-in person may do in the community they work in now: the permissions the server
// computes for the viewer (viewer.permissions, per community; viewer.platformPermissions).

/** The communities where the viewer holds a staff role: [{community, permissions}]. */
export const staffCommunities = (viewer) => viewer.permissions ?? []

/** The staff community chosen before (by id), else the first one; null for someone with none. */
export function chooseCommunity(viewer, storedId) {
  const all = staffCommunities(viewer)
  return all.find((c) => c.community.id === storedId) ?? all[0] ?? null
}

/** The permission names held in `staff` (one entry of staffCommunities, or null) and over the platform. */
export const grantedIn = (viewer, staff) => new Set([...(staff?.permissions ?? []), ...(viewer.platformPermissions ?? [])])
