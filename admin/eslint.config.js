// ESLint for the console (`make lint`, and a stage of `make test`): JavaScript's recommended rules and
// eslint-plugin-vue's, for the sources, the tests and this tooling. Any warning fails (--max-warnings 0).
import js from '@eslint/js'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

export default [
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.browser } },
    rules: {
      // Templates are laid out to 120 columns like the scripts, several attributes and short
      // contents to a line; these two rules want one attribute and one child per line.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      // <input /> as the formatter writes it.
      'vue/html-self-closing': ['warn', { html: { void: 'any' } }],
    },
  },
  {
    // The notice preview shows the body the server sanitised on save (backend/notices/content.py).
    files: ['src/views/NoticeEditorView.vue'],
    rules: { 'vue/no-v-html': 'off' },
  },
  { files: ['vite.config.js', 'eslint.config.js'], languageOptions: { globals: { ...globals.node } } },
]
