export { createPersonioClient, collect, maxLimits, type PersonioClient } from './endpoints'
export type { PersonioClientConfig } from './client'
export type { Page } from './pagination/page'
