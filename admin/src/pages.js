// Every console page in one place: its path, title, icon, the menu entry it sits under, and the
// permission it needs (any one of a list). The menu, the breadcrumbs, document.title and the 403
// page all read this; the server still checks every operation itself.
import {
  Avatar,
  Bell,
  ChatDotRound,
  ChatLineSquare,
  DataAnalysis,
  Document,
  House,
  Finished,
  Flag,
  Present,
  Setting,
  Ticket,
  Tickets,
  Upload,
  User,
  View,
  WarningFilled,
} from '@element-plus/icons-vue'
import { STREET_SUPERVISOR } from './access'

export const PAGES = [
  { path: '', name: 'home', title: '工作台', icon: House, menu: true, component: () => import('./views/HomeView.vue') },
  {
    path: 'registry',
    name: 'registry',
    title: '住户档案',
    icon: User,
    menu: true,
    permission: 'REGISTRY_READ',
    component: () => import('./views/RegistryView.vue'),
  },
  {
    path: 'verification',
    name: 'verification',
    title: '认证审核',
    icon: Finished,
    menu: true,
    permission: 'RESIDENCE_VERIFY',
    component: () => import('./views/VerificationView.vue'),
  },
  {
    path: 'notices',
    name: 'notices',
    title: '通知公告',
    icon: Bell,
    menu: true,
    permission: ['NOTICE_PUBLISH', 'NOTICE_REACH'],
    component: () => import('./views/NoticesView.vue'),
  },
  {
    path: 'notices/new',
    name: 'notice-new',
    title: '新建通知',
    parent: 'notices',
    permission: 'NOTICE_PUBLISH',
    component: () => import('./views/NoticeEditorView.vue'),
  },
  {
    path: 'notices/:id',
    name: 'notice-edit',
    title: '编辑通知',
    parent: 'notices',
    permission: 'NOTICE_PUBLISH',
    component: () => import('./views/NoticeEditorView.vue'),
  },
  {
    path: 'notices/:id/reach',
    name: 'notice-reach',
    title: '触达报告',
    parent: 'notices',
    permission: 'NOTICE_REACH',
    component: () => import('./views/NoticeReachView.vue'),
  },
  {
    path: 'polls',
    name: 'polls',
    title: '投票表决',
    icon: Tickets,
    menu: true,
    permission: 'VOTE_MANAGE',
    component: () => import('./views/PollsView.vue'),
  },
  {
    path: 'polls/new',
    name: 'poll-new',
    title: '新建投票',
    parent: 'polls',
    permission: 'VOTE_MANAGE',
    component: () => import('./views/PollEditorView.vue'),
  },
  {
    path: 'polls/:id/edit',
    name: 'poll-edit',
    title: '编辑投票',
    parent: 'poll',
    permission: 'VOTE_MANAGE',
    component: () => import('./views/PollEditorView.vue'),
  },
  {
    path: 'polls/:id',
    name: 'poll',
    title: '投票详情',
    parent: 'polls',
    permission: 'VOTE_MANAGE',
    component: () => import('./views/PollView.vue'),
  },
  {
    path: 'cases',
    name: 'cases',
    title: '诉求工单',
    icon: ChatLineSquare,
    menu: true,
    permission: 'CASE_HANDLE',
    component: () => import('./views/CasesView.vue'),
  },
  {
    // A grid worker counts their grids' cases; the committee and property staff the whole community's.
    path: 'cases/stats',
    name: 'case-stats',
    title: '诉求统计',
    icon: DataAnalysis,
    menu: true,
    permission: 'CASE_HANDLE',
    component: () => import('./views/CaseStatsView.vue'),
  },
  {
    path: 'cases/setup',
    name: 'case-setup',
    title: '诉求设置',
    icon: Setting,
    menu: true,
    permission: 'CASE_MANAGE',
    component: () => import('./views/CaseSetupView.vue'),
  },
  {
    path: 'cases/:id',
    name: 'case',
    title: '诉求详情',
    parent: 'cases',
    permission: 'CASE_HANDLE',
    component: () => import('./views/CaseView.vue'),
  },
  {
    path: 'questions',
    name: 'questions',
    title: '咨询台',
    icon: ChatDotRound,
    menu: true,
    permission: 'CONSULT_ANSWER',
    component: () => import('./views/QuestionsView.vue'),
  },
  {
    path: 'topics',
    name: 'topics',
    title: '议事厅',
    icon: ChatDotRound,
    menu: true,
    permission: 'DELIBERATION_MANAGE',
    component: () => import('./views/TopicsView.vue'),
  },
  {
    path: 'topics/:id',
    name: 'topic',
    title: '议题详情',
    parent: 'topics',
    permission: 'DELIBERATION_MANAGE',
    component: () => import('./views/TopicView.vue'),
  },
  {
    path: 'moderation',
    name: 'moderation',
    title: '内容审核',
    icon: ChatLineSquare,
    menu: true,
    permission: 'MODERATE',
    component: () => import('./views/ModerationView.vue'),
  },
  {
    path: 'moderation/:id',
    name: 'moderation-item',
    title: '审核详情',
    parent: 'moderation',
    permission: 'MODERATE',
    component: () => import('./views/ModerationItemView.vue'),
  },
  {
    path: 'points/rewards',
    name: 'points-rewards',
    title: '积分商城',
    icon: Present,
    menu: true,
    permission: 'POINTS_MANAGE',
    component: () => import('./views/RewardsView.vue'),
  },
  {
    path: 'points/redemptions',
    name: 'points-redemptions',
    title: '兑换核销',
    icon: Ticket,
    menu: true,
    permission: 'POINTS_MANAGE',
    component: () => import('./views/RedemptionsView.vue'),
  },
  {
    path: 'import',
    name: 'import',
    title: '导入导出',
    icon: Upload,
    menu: true,
    permission: 'REGISTRY_IMPORT',
    component: () => import('./views/ImportView.vue'),
  },
  {
    path: 'audit',
    name: 'audit',
    title: '操作日志',
    icon: Document,
    menu: true,
    permission: 'AUDIT_READ',
    component: () => import('./views/AuditLogView.vue'),
  },
  {
    path: 'access-log',
    name: 'access-log',
    title: '查阅记录',
    icon: View,
    menu: true,
    permission: 'AUDIT_READ',
    component: () => import('./views/AccessLogView.vue'),
  },
  {
    // A street supervisor's (access.js STREET_SUPERVISOR): no community role needed.
    path: 'street/cases',
    name: 'street-cases',
    title: '街道督办',
    icon: Flag,
    menu: true,
    permission: STREET_SUPERVISOR,
    component: () => import('./views/StreetCasesView.vue'),
  },
  {
    path: 'street/cases/:id',
    name: 'street-case',
    title: '诉求督办',
    parent: 'street-cases',
    permission: STREET_SUPERVISOR,
    component: () => import('./views/StreetCaseView.vue'),
  },
  {
    path: 'street/supervisors',
    name: 'street-supervisors',
    title: '督办人员',
    icon: Avatar,
    menu: true,
    permission: 'PLATFORM_OPERATE',
    component: () => import('./views/StreetSupervisorsView.vue'),
  },
  {
    // Staff read their communities' failed jobs; the operator (PLATFORM_OPERATE) every one.
    path: 'dead-letters',
    name: 'dead-letters',
    title: '失败任务',
    icon: WarningFilled,
    menu: true,
    permission: ['AUDIT_READ', 'PLATFORM_OPERATE'],
    component: () => import('./views/DeadLettersView.vue'),
  },
]

const byName = Object.fromEntries(PAGES.map((page) => [page.name, page]))

/** Whether a page needing `permission` (a name, a list of which any will do, or none) opens for `granted`. */
export function mayOpen(permission, granted) {
  if (!permission) return true
  return (Array.isArray(permission) ? permission : [permission]).some((p) => granted.has(p))
}

/** The menu entries `granted` (a Set of permission names) may open, in menu order. */
export const menuFor = (granted) => PAGES.filter((page) => page.menu && mayOpen(page.permission, granted))

/** The pages from a page's menu entry down to it: [{name, title, path}]. */
export function trailOf(name) {
  const trail = []
  for (let page = byName[name]; page; page = byName[page.parent]) trail.unshift(page)
  return trail
}
