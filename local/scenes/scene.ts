import { relative } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { main } from '../../cli/program.ts';
import { renderTable, type Cell } from '../../cli/output.ts';
import type { DemoServices } from '../demo-services.ts';
import type { LocalAws } from '../local-aws.ts';

/**
 * `npm start` runs a list of scenes, one per capability: each drives the local AWS as a user or AWS would (a push, an
 * alarm, a run) and then shows what the control plane did, through the CLI where a verb exists.
 */

/** How long a scene waits for what it set off (a first machine run, cold, takes longest). */
export const SCENE_TIMEOUT_MS = 60_000;

export interface Scene {
  title: string;
  run(context: SceneContext): Promise<void>;
}

export interface SceneContext {
  aws: LocalAws;
  stage: string;
  demo: DemoServices;
  documents: DynamoDBDocumentClient;
  tables: { state: string; outbox: string };
  milestones: Milestones;
}

export function sceneContext(aws: LocalAws, stage: string, demo: DemoServices, milestones: Milestones): SceneContext {
  return {
    aws,
    stage,
    demo,
    documents: DynamoDBDocumentClient.from(new DynamoDBClient(aws.clientConfig)),
    tables: { state: `harbormaster-${stage}-state`, outbox: `harbormaster-${stage}-outbox` },
    milestones,
  };
}

/** Moments of the run, in seconds since the process started; the first time a moment is reached counts. */
export class Milestones {
  private readonly reached = new Map<string, number>();

  /** `at`: when it was reached, if that was earlier (seconds since the process started). */
  reach(name: string, at = performance.now() / 1000): number {
    if (!this.reached.has(name)) this.reached.set(name, at);
    return this.reached.get(name) as number;
  }

  /** `name 9.1 s, other 12.3 s`, in the order they were reached. */
  summary(): string {
    return [...this.reached].sort(([, a], [, b]) => a - b).map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`).join(', ');
  }

}

export function say(text: string): void {
  console.log(`  ${text}`);
}

export function showTable(headers: string[], rows: Cell[][]): void {
  process.stdout.write(renderTable(headers, rows).replace(/^(?=.)/gm, '  '));
}

/**
 * Runs `npx harbormaster …` in this process, as a user would type it (relative paths), and fails the scene unless it
 * exits as expected (`status --watch` exits 1 when the deploy it watched rolled back).
 */
export async function harbormaster(args: string[], expectedExitCode = 0): Promise<void> {
  const shown = args.map((arg) => (arg.startsWith('/') ? relative(process.cwd(), arg) : arg));
  console.log(`\n  $ npx harbormaster ${shown.join(' ')}`);
  const code = await main(shown);
  if (code !== expectedExitCode) throw new Error(`harbormaster ${shown.join(' ')} exited with ${code}, not ${expectedExitCode}`);
}
