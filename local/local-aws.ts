import { pathToFileURL } from 'node:url';
import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { readServerlessFunctions } from '../scripts/serverless-functions.ts';
import { findFreePort, startMoto, type MotoAhead, type MotoServer } from './moto/server.ts';
import { startLocalRuntime, type FunctionResolver, type LambdaHandler, type LocalRuntime } from './runtime/proxy.ts';
import { createStack, packageStack, type PackagedStack } from './stack.ts';

/**
 * The local AWS: moto (with its start-up fixes) behind the local runtime, which answers Lambda invocations with
 * the project's own handlers and emits the events moto never does. Point every SDK client at `endpoint`.
 */

export const LOCAL_REGION = 'us-east-1';

export interface AwsClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** moto answers an unimplemented action with a 500 the SDK would retry, repeating non-idempotent calls. */
  maxAttempts: number;
}

export interface LocalAws {
  endpoint: string;
  clientConfig: AwsClientConfig;
  moto: MotoServer;
  runtime: LocalRuntime;
  /** Clears all AWS state and the runtime's task registry, faults and logs. */
  reset(): Promise<void>;
  /** Creates the packaged serverless.yml stack (tables, rules, functions, state machines). */
  deployStack(): Promise<PackagedStack>;
  /**
   * Answers Lambda Invoke of `functionName` with `handler`, for functions outside the stack that it calls (a deploy's
   * pre-traffic hook); forgotten on reset.
   */
  registerFunction(functionName: string, handler: LambdaHandler): void;
  /**
   * Makes one cheap call to each service a deploy and the demo use: moto loads a service's code and builds its
   * request handling on the first call to it (0.3–1 s each), which can then happen while something else waits.
   */
  warmUp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `port`: the runtime's (default: a free one). `moto`: a moto already starting for a runtime on its `runtimePort`
 * (moto/server.ts startMotoAhead), instead of starting one here.
 */
export async function startLocalAws(options: { stage?: string; port?: number; moto?: MotoAhead } = {}): Promise<LocalAws> {
  const stage = options.stage ?? 'local';
  const functions = new DeployedFunctions();
  const { runtime, moto } = options.moto ? await startRuntimeFor(options.moto, functions) : await startRuntimeAndMoto(functions, options.port);
  const config: AwsClientConfig = {
    endpoint: runtime.endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  functions.connect(config);
  // Handlers run in this process and build their SDK clients from the environment, as they do in Lambda.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: runtime.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    // The notifier may speak plain http to loopback (the local Slack and webhook receivers), nowhere else.
    HARBORMASTER_LOCAL_NETWORK: '1',
  });
  return {
    endpoint: runtime.endpoint,
    clientConfig: config,
    moto,
    runtime,
    async reset() {
      await runtime.idle().catch(() => undefined);
      runtime.reset();
      functions.forgetRegistered();
      await moto.reset();
    },
    async deployStack() {
      const packaged = await packageStack(stage);
      await createStack(packaged, config);
      return packaged;
    },
    registerFunction(functionName, handler) {
      functions.register(functionName, handler);
    },
    async warmUp() {
      await Promise.all([
        new CloudFormationClient(config).send(new ListStacksCommand({})),
        new S3Client({ ...config, forcePathStyle: true }).send(new ListBucketsCommand({})),
        new LambdaClient(config).send(new ListFunctionsCommand({})),
        new DynamoDBClient(config).send(new ListTablesCommand({})),
        new SFNClient(config).send(new ListStateMachinesCommand({})),
        new ECSClient(config).send(new ListClustersCommand({})),
        new ECRClient(config).send(new DescribeRepositoriesCommand({})),
        new ElasticLoadBalancingV2Client(config).send(new DescribeLoadBalancersCommand({})),
        new EC2Client(config).send(new DescribeVpcsCommand({})),
        new CloudWatchClient(config).send(new DescribeAlarmsCommand({})),
      ]);
    },
    async stop() {
      await runtime.stop();
      await moto.stop();
    },
  };
}

const START_ATTEMPTS = 3;

/**
 * moto needs the runtime's port (MOTO_PORT) and the runtime needs moto's, so moto's port is picked free in
 * advance; another process can take it in between. That shows as moto failing to bind: start again.
 */
async function startRuntimeAndMoto(functions: FunctionResolver, runtimePort: number | undefined): Promise<{ runtime: LocalRuntime; moto: MotoServer }> {
  for (let attempt = 1; ; attempt += 1) {
    const motoPort = await findFreePort();
    const runtime = await startLocalRuntime({ upstream: `http://127.0.0.1:${motoPort}`, port: runtimePort, functions });
    try {
      return { runtime, moto: await startMoto({ port: motoPort, callbackPort: runtime.port }) };
    } catch (error) {
      await runtime.stop();
      const portTaken = error instanceof Error && /address already in use/i.test(error.message);
      if (!portTaken || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

/** The runtime in front of a moto started ahead of it; moto is stopped if the runtime cannot listen. */
async function startRuntimeFor(ahead: MotoAhead, functions: FunctionResolver): Promise<{ runtime: LocalRuntime; moto: MotoServer }> {
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({ upstream: ahead.upstream, port: ahead.runtimePort, functions });
  } catch (error) {
    await (await ahead.server.catch(() => undefined))?.stop();
    throw error;
  }
  try {
    return { runtime, moto: await ahead.server };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

/**
 * Maps a deployed function (name → Handler and Environment, read from the local Lambda service) to the
 * TypeScript module serverless.yml builds it from. Each deployed function gets its own module instance, like
 * its own Lambda container, initialised with that function's environment variables. A function a test registers
 * (one the stack invokes but does not deploy) answers first.
 */
class DeployedFunctions implements FunctionResolver {
  private readonly handlers = new Map<string, Promise<LambdaHandler | undefined>>();
  private readonly sources = new Map(readServerlessFunctions().map((fn) => [fn.handler, fn]));
  private readonly registered = new Map<string, LambdaHandler>();
  private lambda: LambdaClient | undefined;

  register(functionName: string, handler: LambdaHandler): void {
    this.registered.set(functionName, handler);
  }

  forgetRegistered(): void {
    this.registered.clear();
  }

  /** The runtime must be listening before the client that reads deployed functions through it can exist. */
  connect(config: AwsClientConfig): void {
    this.lambda = new LambdaClient(config);
  }

  resolve(functionName: string): Promise<LambdaHandler | undefined> {
    const registered = this.registered.get(functionName);
    if (registered) return Promise.resolve(registered);
    let handler = this.handlers.get(functionName);
    if (!handler) {
      handler = this.load(functionName);
      this.handlers.set(functionName, handler);
      // A function not deployed yet may be deployed later: do not remember the miss.
      handler.then((loaded) => loaded ?? this.handlers.delete(functionName)).catch(() => this.handlers.delete(functionName));
    }
    return handler;
  }

  private async load(functionName: string): Promise<LambdaHandler | undefined> {
    if (!this.lambda) throw new Error('The local AWS is not started yet');
    const deployed = await this.lambda.send(new GetFunctionCommand({ FunctionName: functionName })).catch(() => undefined);
    const handlerName = deployed?.Configuration?.Handler;
    const source = handlerName === undefined ? undefined : this.sources.get(handlerName);
    if (!source) return undefined;
    Object.assign(process.env, deployed?.Configuration?.Environment?.Variables ?? {});
    const module = (await import(`${pathToFileURL(source.sourcePath).href}?function=${encodeURIComponent(functionName)}`)) as Record<string, unknown>;
    const handler = module[source.exportName];
    if (typeof handler !== 'function') throw new Error(`${source.sourcePath} does not export a function named ${source.exportName}`);
    return handler as LambdaHandler;
  }
}
