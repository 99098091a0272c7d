import { createRouter, createWebHashHistory } from 'vue-router'
import { accessToken, onSessionExpired } from './graphql/client'

// Hash history: the backend serves dist/ as static files and needs no SPA fallback.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', component: () => import('./views/LoginView.vue') },
    { path: '/', component: () => import('./views/DashboardView.vue'), meta: { requiresAuth: true } },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to) => (to.meta.requiresAuth && !accessToken() ? '/login' : true))

onSessionExpired(() => router.push('/login'))
