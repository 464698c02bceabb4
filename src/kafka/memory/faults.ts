// Failures a test asks of the memory Kafka, taken by the next publish of a resource (or the next
// write of the durable writer): the failures capture must survive, made to happen on cue.

export type PublishFault =
  /** the transaction aborts (a broker error before the commit): nothing is published, retriable */
  | { kind: 'fail'; message: string }
  /**
   * the commit is sent and no answer comes (UncertainCommitError): `committed` says whether the
   * coordinator had it (the records become visible at once) or not (the transaction stays open,
   * holding back read_committed readers, until the id registers again, which aborts it)
   */
  | { kind: 'uncertain'; committed: boolean; message: string }

export class Faults {
  private readonly publishes = new Map<string, PublishFault[]>()
  private readonly writes: string[] = []

  /** The next publish of `resource` aborts with a retriable KafkaError. */
  failNextPublish(resource: string, message = 'injected broker failure'): void {
    this.queue(resource, { kind: 'fail', message })
  }

  /** The next publish of `resource` ends in an UncertainCommitError, committed or not. */
  uncertainNextPublish(
    resource: string,
    outcome: { committed: boolean },
    message = 'injected: no answer to the commit',
  ): void {
    this.queue(resource, { kind: 'uncertain', committed: outcome.committed, message })
  }

  /** The next durable write fails (retriable), having written nothing. */
  failNextWrite(message = 'injected broker failure'): void {
    this.writes.push(message)
  }

  takePublish(resource: string): PublishFault | undefined {
    return this.publishes.get(resource)?.shift()
  }

  takeWrite(): string | undefined {
    return this.writes.shift()
  }

  private queue(resource: string, fault: PublishFault): void {
    this.publishes.set(resource, [...(this.publishes.get(resource) ?? []), fault])
  }
}
