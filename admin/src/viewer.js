// The signed-in staff member, loaded once by the console layout and shared with its pages.
import { inject, provide } from 'vue'

const VIEWER = Symbol('viewer')

/** The roles that work in a community's registry. */
const STAFF_ROLES = new Set(['COMMITTEE_STAFF', 'PROPERTY_STAFF', 'GRID_WORKER'])

/** The first community where the viewer has a staff role, or null. */
export const staffCommunity = (viewer) => viewer.memberships.find((m) => STAFF_ROLES.has(m.role))?.community ?? null

/** Roles that draft and publish notices; a grid worker only follows up those reaching their grids. */
const PUBLISHER_ROLES = new Set(['COMMITTEE_STAFF', 'PROPERTY_STAFF'])

/** Whether the viewer publishes notices in their staff community (or only follows up on them). */
export const publishesNotices = (viewer) => {
  const community = staffCommunity(viewer)
  return viewer.memberships.some((m) => PUBLISHER_ROLES.has(m.role) && m.community.id === community?.id)
}

export const provideViewer = (viewer) => provide(VIEWER, viewer)
export const useViewer = () => inject(VIEWER)

/** The community every staff page queries; the layout shows those pages only when there is one. */
export const useCommunityId = () => staffCommunity(useViewer().value).id
