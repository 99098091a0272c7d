import { createApp } from 'vue'
// Toasts and confirmations are called from scripts (ElMessage, ElMessageBox), not templates, so the
// component resolver does not see them: their styles are loaded here.
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import App from './App.vue'
import { router } from './router'

createApp(App).use(router).mount('#app')
