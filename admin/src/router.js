import { createRouter, createWebHashHistory } from 'vue-router'
import { accessToken, onSessionExpired } from './graphql/client'

// The pages that work in the staff member's community (see viewer.js).
const staff = { staff: true }

// Hash history: the backend serves dist/ as static files and needs no SPA fallback.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', component: () => import('./views/LoginView.vue') },
    {
      path: '/',
      component: () => import('./views/ConsoleLayout.vue'),
      meta: { requiresAuth: true },
      children: [
        { path: '', component: () => import('./views/HomeView.vue') },
        { path: 'registry', component: () => import('./views/RegistryView.vue'), meta: staff },
        { path: 'verification', component: () => import('./views/VerificationView.vue'), meta: staff },
        { path: 'import', component: () => import('./views/ImportView.vue'), meta: staff },
        { path: 'audit', component: () => import('./views/AuditLogView.vue'), meta: staff },
        // Not `staff`: the server decides (AUDIT_READ in any community) and its refusal is shown.
        { path: 'dead-letters', component: () => import('./views/DeadLettersView.vue') },
        { path: 'notices', component: () => import('./views/NoticesView.vue'), meta: staff },
        { path: 'notices/new', component: () => import('./views/NoticeEditorView.vue'), meta: staff },
        { path: 'notices/:id', component: () => import('./views/NoticeEditorView.vue'), meta: staff },
        { path: 'notices/:id/reach', component: () => import('./views/NoticeReachView.vue'), meta: staff },
        { path: 'access-log', component: () => import('./views/AccessLogView.vue'), meta: staff },
      ],
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to) => (to.meta.requiresAuth && !accessToken() ? '/login' : true))

onSessionExpired(() => router.push('/login'))
