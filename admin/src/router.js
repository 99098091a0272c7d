import { createRouter, createWebHashHistory } from 'vue-router'
import { ElMessage } from 'element-plus'
import { accessToken, onSessionExpired } from './graphql/client'
import { PAGES } from './pages'

const SITE = '邻里 · 社区工作台'

// Hash history: the backend serves dist/ as static files and needs no SPA fallback.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { title: '登录' } },
    {
      path: '/',
      component: () => import('./views/ConsoleLayout.vue'),
      meta: { requiresAuth: true },
      children: [
        ...PAGES.map(({ path, name, component, title, permission }) => ({ path, name, component, meta: { title, permission } })),
        // An unknown address inside the console: 404 in the layout, with the menu still there.
        { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: '页面不存在' } },
      ],
    },
  ],
})

router.beforeEach((to) => (to.meta.requiresAuth && !accessToken() ? '/login' : true))
router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - ${SITE}` : SITE
})

onSessionExpired(() => {
  // Say why rather than drop to the login page silently (once, however many requests failed together).
  if (router.currentRoute.value.name === 'login') return
  ElMessage({ type: 'warning', message: '登录已过期，请重新登录', grouping: true })
  router.push('/login')
})
