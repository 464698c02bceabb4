// The group generation of each JoinGroup a kafkajs consumer makes. kafkajs keeps it to itself (its
// GROUP_JOIN event carries the member id and the assignment, not the generation), yet a worker
// reports it with each assignment and says in its next subscription which generation gave it its
// partitions, so the leader can tell a stale claim from a current one (workers/assignor.ts).
//
// A partition assigner is built with the consumer's own cluster, so the tap is installed there: the
// group coordinator that cluster hands out has its joinGroup wrapped, for this consumer only.
import type { Cluster } from 'kafkajs'

interface JoiningBroker {
  joinGroup(request: unknown): Promise<{ generationId?: unknown }>
}

interface CoordinatorFinder {
  findGroupCoordinator(request: { groupId: string }): Promise<JoiningBroker>
}

/** Calls `onJoin` with the generation of every JoinGroup answered on this cluster's coordinators. */
export function tapJoinGeneration(cluster: Cluster, onJoin: (generation: number) => void): void {
  const finder = cluster as unknown as CoordinatorFinder
  if (typeof finder.findGroupCoordinator !== 'function') return
  const find = finder.findGroupCoordinator.bind(finder)
  const tapped = new WeakSet<JoiningBroker>()
  finder.findGroupCoordinator = async (request) => {
    const broker = await find(request)
    if (!tapped.has(broker) && typeof broker.joinGroup === 'function') {
      tapped.add(broker)
      const join = broker.joinGroup.bind(broker)
      broker.joinGroup = async (joinRequest) => {
        const answer = await join(joinRequest)
        if (Number.isInteger(answer.generationId)) onJoin(answer.generationId as number)
        return answer
      }
    }
    return broker
  }
}
