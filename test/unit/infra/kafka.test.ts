// scripts > infra > kafka: the broker settings of a single-node KRaft development broker.
import { serverProperties } from '../../../src/infra/kafka'

describe('infra > kafka', () => {
  it('writes a single-node KRaft broker whose internal topics fit one node', () => {
    const props = serverProperties(19092, 19093)
    for (const line of [
      'process.roles=broker,controller',
      'controller.quorum.voters=1@127.0.0.1:19093',
      'listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
      'advertised.listeners=PLAINTEXT://127.0.0.1:19092',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'group.initial.rebalance.delay.ms=0',
    ]) {
      expect(props.split('\n')).toContain(line)
    }
  })
})
