// The benchmarks `npm run bench` runs, in this order (name → function). Run one with
// `npm run bench -- <name>`.
import { changeCost } from './change-cost'
import { changeLatency } from './change-latency'
import { companiesBench } from './companies'
import { contractEncode } from './contract-encode'
import { cycleRequests } from './cycle-requests'
import { endToEndVsProducer } from './e2e-vs-producer'
import { firstSyncLimits } from './first-sync-limits'
import { personioList } from './personio-list'
import type { BenchResult } from './run'
import { runRss } from './run-rss'
import { scale10k } from './scale-10k'
import { simulatorScale } from './simulator-scale'
import { snapshotEndToEnd } from './snapshot-e2e'
import { webhookBurst } from './webhook-burst'
import { webhooksVsPolling } from './webhook-latency'

export const benchmarks: Record<string, () => Promise<BenchResult>> = {
  'personio-list': personioList,
  'contract-encode': contractEncode,
  'simulator-scale': simulatorScale,
  'snapshot-e2e': snapshotEndToEnd,
  'cycle-requests': cycleRequests,
  'e2e-vs-producer': endToEndVsProducer,
  'run-rss': runRss,
  'change-latency': changeLatency,
  'first-sync-limits': firstSyncLimits,
  'scale-10k': scale10k,
  'change-cost': changeCost,
  'webhooks-vs-polling': webhooksVsPolling,
  'webhook-burst': webhookBurst,
  companies: companiesBench,
}
