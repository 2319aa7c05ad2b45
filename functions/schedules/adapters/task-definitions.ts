import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';

/**
 * Whether a schedule's task definition can run: a family needs an ACTIVE revision, a pinned revision must exist and be
 * ACTIVE (ECS runs no new task from an INACTIVE one). Only AWS knows, so plan and apply ask; validate cannot.
 */
export class TaskDefinitionCheck {
  private readonly ecs: ECSClient;

  constructor(ecs: ECSClient) {
    this.ecs = ecs;
  }

  /** Why the reference cannot run, or undefined when it can. */
  async problem(reference: { family: string } | { revision: string }): Promise<string | undefined> {
    const taskDefinition = 'family' in reference ? reference.family : reference.revision;
    const field = 'family' in reference ? 'taskDefinition.family' : 'taskDefinition.revision';
    try {
      const { taskDefinition: found } = await this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
      if (found?.status !== 'ACTIVE') return `${field}: ${taskDefinition} is ${found?.status ?? 'unknown'}; ECS runs new tasks only from an ACTIVE revision`;
      return undefined;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'ClientException' || name === 'InvalidParameterException') {
        return 'family' in reference ? `${field}: no ACTIVE revision of family ${taskDefinition} is registered` : `${field}: task definition ${taskDefinition} is not registered`;
      }
      throw error;
    }
  }
}
