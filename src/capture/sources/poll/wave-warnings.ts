// The log lines of the delete guard (capture/rules/delete-guard.ts decides; this says so): a wave found,
// a wave still waiting for a person, records missing that webhooks never announced.
import type { Resource } from '../../../resources'
import type { CaptureContext } from '../../context'
import { awaitingApproval, type DeleteDecision, type GuardPolicy } from '../../rules/delete-guard'

/**
 * One line when a wave starts to wait, one an hour while it waits for a person (the decision
 * keeps the time in the cursor, so `sync --once` from cron does not repeat it every run).
 */
export function warnAboutWaves(
  ctx: Pick<CaptureContext, 'logger'>,
  resource: Resource,
  known: number,
  policy: GuardPolicy,
  decision: DeleteDecision,
): void {
  const name = resource.name
  const percent = Math.round(policy.share * 100)
  if (decision.unannounced !== undefined)
    ctx.logger.warn(
      { resource: name, deleted: decision.unannounced },
      `a full listing of ${name} found ${decision.unannounced} record(s) missing that Personio's webhooks never ` +
        'announced: published as deleted (two or more at once are held as a wave)',
    )
  const wave = decision.newWave
  const hold = decision.hold
  if (wave !== undefined) {
    const why = wave.unannounced
      ? `${wave.count} ${name} record(s) missing that Personio's webhooks never announced`
      : `${wave.count} of ${known} known ${name} records missing (more than DELETE_GUARD_PERCENT=${percent}%, or all)`
    const then =
      policy.mode === 'approve'
        ? 'they wait for a person: `personio-kafka deletes list` shows them, `deletes approve ' +
          name +
          '` publishes those still gone, `deletes reject ' +
          name +
          '` keeps them'
        : `they are published by the first full listing at least ${Math.round(policy.holdMs / 60_000)} min later ` +
          '(DELETE_GUARD_HOLD_MS) that finds the same records gone'
    ctx.logger.warn(
      { resource: name, held: wave.count, known, since: new Date(wave.since).toISOString() },
      `a full listing found ${why}: holding those deletes (an empty or cut answer from Personio, or a ` +
        `credential that now sees fewer records, deletes nothing); ${then}`,
    )
  } else if (decision.remind === true && hold !== undefined) {
    const waiting = awaitingApproval(hold, policy.mode)
    ctx.logger.warn(
      { resource: name, held: waiting, since: new Date(hold.since).toISOString() },
      `${waiting} deletes of ${name} have waited since ${new Date(hold.since).toISOString()} for a person: ` +
        `\`personio-kafka deletes list ${name}\`, then \`deletes approve ${name}\` or \`deletes reject ${name}\``,
    )
  }
}
