import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand, paginateListStacks, type StackStatus } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CliError } from './errors.ts';

/**
 * The AWS side of a CLI run. Credentials, region and endpoint follow the AWS conventions (AWS_PROFILE / --profile,
 * AWS_REGION / --region, AWS_ENDPOINT_URL for the local control plane); the stage's stack is found by name
 * (harbormaster-<stage>) and its tables and state machines are read from its CloudFormation outputs.
 */

export interface GlobalOptions {
  stage?: string;
  profile?: string;
  region?: string;
}

export interface StackResources {
  stage: string;
  stackName: string;
  tables: { state: string; outbox: string };
  deployStateMachineArn: string;
  scalingStateMachineArn: string;
  cleanupStateMachineArn: string;
  /** Where the stage's schedules are deployed and what they start (functions/schedules/resources.yml). */
  schedules: { groupName: string; targetArn: string; roleArn: string; deadLetterQueueArn: string };
  deliveryQueueUrl: string;
}

const STACK_PREFIX = 'harbormaster-';
/** Output keys the CLI reads: infra/tables.yml and each capability's resources.yml declare them. */
const OUTPUTS = {
  state: 'StateTableName',
  outbox: 'OutboxTableName',
  deploy: 'BlueGreenDeployStateMachineArn',
  scaling: 'StepScalingStateMachineArn',
  cleanup: 'RevisionCleanupStateMachineArn',
  scheduleGroup: 'ScheduleGroupName',
  scheduleTarget: 'ScheduledTaskRunStateMachineArn',
  schedulerRole: 'SchedulerRoleArn',
  scheduleDeadLetters: 'ScheduleDeadLetterQueueArn',
  deliveryQueue: 'DeliveryQueueUrl',
} as const;
const LIVE_STACK: StackStatus[] = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'IMPORT_COMPLETE'];

export class Session {
  readonly options: GlobalOptions;
  private readonly env: NodeJS.ProcessEnv;
  private resources: Promise<StackResources> | undefined;
  private readonly clients = new Map<string, unknown>();

  constructor(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
    this.options = options;
    this.env = env;
  }

  /** Client settings: an explicit --profile/--region wins over the environment; the endpoint comes from AWS_ENDPOINT_URL. */
  clientConfig(): { region?: string; profile?: string } {
    const region = this.options.region ?? this.env['AWS_REGION'] ?? this.env['AWS_DEFAULT_REGION'];
    return { ...(region ? { region } : {}), ...(this.options.profile ? { profile: this.options.profile } : {}) };
  }

  get documents(): DynamoDBDocumentClient {
    return this.client('documents', () => DynamoDBDocumentClient.from(new DynamoDBClient(this.clientConfig()), { marshallOptions: { removeUndefinedValues: true } }));
  }
  get ecs(): ECSClient {
    return this.client('ecs', () => new ECSClient(this.clientConfig()));
  }
  get ecr(): ECRClient {
    return this.client('ecr', () => new ECRClient(this.clientConfig()));
  }
  get sfn(): SFNClient {
    return this.client('sfn', () => new SFNClient(this.clientConfig()));
  }
  get elb(): ElasticLoadBalancingV2Client {
    return this.client('elb', () => new ElasticLoadBalancingV2Client(this.clientConfig()));
  }
  get cloudwatch(): CloudWatchClient {
    return this.client('cloudwatch', () => new CloudWatchClient(this.clientConfig()));
  }
  get lambda(): LambdaClient {
    return this.client('lambda', () => new LambdaClient(this.clientConfig()));
  }
  get autoScaling(): ApplicationAutoScalingClient {
    return this.client('autoScaling', () => new ApplicationAutoScalingClient(this.clientConfig()));
  }
  get scheduler(): SchedulerClient {
    return this.client('scheduler', () => new SchedulerClient(this.clientConfig()));
  }
  /** The queue URL names AWS's SQS host; the client's endpoint (AWS_ENDPOINT_URL locally) is the one to use. */
  get sqs(): SQSClient {
    return this.client('sqs', () => new SQSClient({ ...this.clientConfig(), useQueueUrlAsEndpoint: false }));
  }
  get cloudFormation(): CloudFormationClient {
    return this.client('cloudFormation', () => new CloudFormationClient(this.clientConfig()));
  }

  /** The stage's stack resources, read once per run. */
  stack(): Promise<StackResources> {
    this.resources ??= this.findStack();
    return this.resources;
  }

  private client<T>(name: string, create: () => T): T {
    let client = this.clients.get(name) as T | undefined;
    if (client === undefined) {
      client = create();
      this.clients.set(name, client);
    }
    return client;
  }

  private async findStack(): Promise<StackResources> {
    const stage = this.options.stage ?? this.env['HARBORMASTER_STAGE'] ?? (await this.onlyStage());
    const stackName = `${STACK_PREFIX}${stage}`;
    const stack = await this.call(`read stack ${stackName}`, async () => (await this.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]).catch(
      (error: unknown) => {
        if (error instanceof CliError && /does not exist/.test(String((error.cause as Error | undefined)?.message))) {
          throw new CliError(`No Harbormaster stack for stage ${stage} (${stackName}) in ${this.where()}`, {
            hint: `Deploy it with \`npx osls deploy --stage ${stage}\`, or pick another stage with --stage.`,
          });
        }
        throw error;
      },
    );
    const outputs = new Map((stack?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
    const output = (key: string) => {
      const value = outputs.get(key);
      if (!value) throw new CliError(`Stack ${stackName} has no ${key} output`, { hint: 'It was deployed by an older Harbormaster: deploy this version with `npx osls deploy`.' });
      return value;
    };
    return {
      stage,
      stackName,
      tables: { state: output(OUTPUTS.state), outbox: output(OUTPUTS.outbox) },
      deployStateMachineArn: output(OUTPUTS.deploy),
      scalingStateMachineArn: output(OUTPUTS.scaling),
      cleanupStateMachineArn: output(OUTPUTS.cleanup),
      schedules: {
        groupName: output(OUTPUTS.scheduleGroup),
        targetArn: output(OUTPUTS.scheduleTarget),
        roleArn: output(OUTPUTS.schedulerRole),
        deadLetterQueueArn: output(OUTPUTS.scheduleDeadLetters),
      },
      deliveryQueueUrl: output(OUTPUTS.deliveryQueue),
    };
  }

  /** Without --stage: the one Harbormaster stack in the region, so a single-stage account needs no flag. */
  private async onlyStage(): Promise<string> {
    const stages: string[] = [];
    await this.call('list stacks', async () => {
      for await (const page of paginateListStacks({ client: this.cloudFormation }, { StackStatusFilter: LIVE_STACK })) {
        for (const summary of page.StackSummaries ?? []) {
          if (summary.StackName?.startsWith(STACK_PREFIX)) stages.push(summary.StackName.slice(STACK_PREFIX.length));
        }
      }
    });
    if (stages.length === 1 && stages[0]) return stages[0];
    if (stages.length === 0) {
      throw new CliError(`No Harbormaster stack found in ${this.where()}`, {
        hint: 'Deploy one with `npx osls deploy --stage <stage>`, or point at the right account and region (--profile, --region, AWS_ENDPOINT_URL for npm start).',
      });
    }
    throw new CliError(`Several Harbormaster stages are deployed in ${this.where()}: ${stages.sort().join(', ')}`, { hint: 'Pick one with --stage (or HARBORMASTER_STAGE).' });
  }

  private where(): string {
    const endpoint = this.env['AWS_ENDPOINT_URL'];
    return `region ${this.clientConfig().region ?? '(none set)'}${endpoint ? ` at ${endpoint}` : ''}`;
  }

  /** Turns the SDK's credential, region and connection failures into messages that say what to do. */
  async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw explainAwsError(what, error);
    }
  }
}

export function explainAwsError(what: string, error: unknown): Error {
  if (error instanceof CliError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (/Region is missing/i.test(message)) return new CliError(`Could not ${what}: no AWS region is set`, { hint: 'Pass --region, or set AWS_REGION.', cause: error });
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new CliError(`Could not ${what}: no AWS credentials were found`, { hint: 'Set AWS_PROFILE (or pass --profile), or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables.', cause: error });
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up/i.test(message)) {
    return new CliError(`Could not ${what}: AWS could not be reached (${message})`, {
      hint: 'Check your network; for the local control plane, run `npm start` and use the AWS_ENDPOINT_URL it prints.',
      cause: error,
    });
  }
  return new CliError(`Could not ${what}: ${name ? `${name}: ` : ''}${message}`, { cause: error });
}
