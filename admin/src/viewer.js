// The signed-in staff member and the community they work in now, loaded by the console layout and
// shared with its pages. Switching community re-creates the page, so a page reads them once.
import { inject, provide } from 'vue'

const VIEWER = Symbol('viewer')
const WORKPLACE = Symbol('workplace')

export const provideViewer = (viewer, workplace) => {
  provide(VIEWER, viewer)
  provide(WORKPLACE, workplace)
}
export const useViewer = () => inject(VIEWER)

/** {community, permissions: Set} of the community chosen in the header (a ref). */
export const useWorkplace = () => inject(WORKPLACE)

/** The community every staff page queries; the layout opens those pages only when there is one. */
export const useCommunityId = () => useWorkplace().value.community.id

/** Whether the viewer holds `permission` where they work now. */
export const useCan = () => {
  const workplace = useWorkplace()
  return (permission) => workplace.value.permissions.has(permission)
}
