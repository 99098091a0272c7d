// The panels of the 工作台 (一屏观社区), in the order they are laid out. Each domain adds its own: a
// component in this folder that loads its figures through its own operation, a field of the
// `workbench` query (graphql_schema/operations/admin/Workbench<Domain>.graphql, backend/api/workbench.py).
// `span` is its width in the 24-column grid; `permission`, when set, is what the panel needs to show
// (the home page is everyone's). Volunteer hours, market activity and service revenue come with their
// domains.
import { defineAsyncComponent } from 'vue'

export const PANELS = [
  { key: 'identity', title: '居民认证', span: 10, component: defineAsyncComponent(() => import('./IdentityPanel.vue')) },
  { key: 'notices', title: '本周通知', span: 14, component: defineAsyncComponent(() => import('./NoticesPanel.vue')) },
  {
    key: 'voting',
    title: '进行中的投票',
    span: 12,
    permission: 'VOTE_MANAGE',
    component: defineAsyncComponent(() => import('./VotingPanel.vue')),
  },
  {
    key: 'cases',
    title: '诉求办理',
    span: 12,
    permission: 'CASE_HANDLE',
    component: defineAsyncComponent(() => import('./CasesPanel.vue')),
  },
  {
    key: 'volunteering',
    title: '志愿服务',
    span: 12,
    permission: 'LEDGER_READ',
    component: defineAsyncComponent(() => import('./VolunteeringPanel.vue')),
  },
  {
    key: 'market',
    title: '跳蚤市场',
    span: 12,
    permission: ['MARKET_MANAGE', 'MODERATE'],
    component: defineAsyncComponent(() => import('./MarketPanel.vue')),
  },
  // Paid services: this month's orders, GMV, commission and subsidy
  {
    key: 'services',
    title: '增值服务（本月）',
    span: 12,
    permission: 'SERVICES_MANAGE',
    component: defineAsyncComponent(() => import('./ServicesPanel.vue')),
  },
]
