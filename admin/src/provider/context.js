// The provider a provider admin works for now, chosen in the console header (access.js chooseProvider)
// and shared with the 服务商 pages. Switching provider re-creates the page, so a page reads it once.
import { inject, provide } from 'vue'

const PROVIDER = Symbol('provider')

/** `provider` is a computed {id, name, categories} or null. */
export const provideProvider = (provider) => provide(PROVIDER, provider)

/** The chosen provider; the layout opens the PROVIDER_ADMIN pages only when there is one. */
export const useProvider = () => inject(PROVIDER).value
