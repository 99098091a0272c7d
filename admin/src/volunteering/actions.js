// Publishing an activity (asks first: residents see it at once) and cancelling one (a reason,
// then the confirmation of ReasonDialog), for the list and the detail page alike.
import { reactive } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { mutate } from '../graphql/client'

/** `changed(activity)` runs after either succeeds. */
export function useActivityActions(changed) {
  const cancelling = reactive({ open: false, activity: null })

  async function publish(activity) {
    const sure = await ElMessageBox.confirm(`发布后居民即可看到并报名「${activity.title}」。确定发布？`, '发布活动', {
      type: 'warning',
      confirmButtonText: '发布',
      cancelButtonText: '取消',
    }).catch(() => false)
    if (!sure) return
    try {
      const published = (await mutate('VolunteerActivityPublish', { id: activity.id })).activity
      ElMessage.success(`已发布「${published.title}」`)
      await changed(published)
    } catch (e) {
      ElMessage.error(e.message)
    }
  }

  function askCancel(activity) {
    Object.assign(cancelling, { open: true, activity })
  }

  // ReasonDialog's submit: a rejection stays in the dialog.
  async function cancel(reason) {
    const { activity } = cancelling
    const sure = await ElMessageBox.confirm(`取消后已报名的志愿者会收到通知，活动不能恢复。确定取消「${activity.title}」？`, '取消活动', {
      type: 'warning',
      confirmButtonText: '取消活动',
      cancelButtonText: '再想想',
    }).catch(() => false)
    if (!sure) return
    const cancelled = (await mutate('VolunteerActivityCancel', { id: activity.id, reason })).activity
    cancelling.open = false
    ElMessage.success(`已取消「${cancelled.title}」`)
    await changed(cancelled)
  }

  return { publish, askCancel, cancel, cancelling }
}
