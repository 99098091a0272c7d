import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  // The backend serves dist/ at /admin.
  base: '/admin/',
  plugins: [
    vue(),
    // Imports only the Element Plus components (and their CSS) that templates use.
    Components({ resolvers: [ElementPlusResolver()], dts: false }),
  ],
  server: {
    // src/live.js sends subscription documents as their files' text, from graphql_schema/.
    fs: { allow: ['.', '../graphql_schema/operations'] },
    // /graphql also carries the subscriptions' websocket (src/live.js).
    proxy: Object.fromEntries(
      ['/graphql', '/uploads', '/exports', '/media'].map((path) => [path, { target: 'http://127.0.0.1:8000', ws: path === '/graphql' }]),
    ),
  },
  test: {
    environment: 'happy-dom',
    // Element Plus modules import their CSS; Vite can load that, Node cannot.
    server: { deps: { inline: ['element-plus'] } },
  },
})
