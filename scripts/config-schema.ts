import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import picocolors from 'picocolors';
import { z } from 'zod';
import { buildProgram, ENVIRONMENT_HELP, type Cli } from '../cli/program.ts';
import { exitCodes } from '../cli/errors.ts';
import { readConfigText, stageConfigSchema } from '../functions/config/index.ts';
import { webhookPayloadJsonSchema } from '../functions/notify/webhook-schema.ts';
import { renderCliReference } from './docs/cli-reference.ts';
import { renderConfigurationReference, type JsonSchema } from './docs/configuration-reference.ts';
import { PROJECT_ROOT } from './serverless-functions.ts';

/**
 * The files generated from the code, so they cannot drift from it:
 * - schema/harbormaster.schema.json, from the sections' zod schemas, so editors complete and check harbormaster.yml
 *   (`# yaml-language-server: $schema=…`);
 * - docs/configuration.md, every field of harbormaster.yml, from that JSON Schema;
 * - docs/cli.md, every command of the CLI, from the commander program.
 * `npm run schema` writes them; `--check` (and the package tests) fail when a committed file is not what the code
 * generates.
 */

const GENERATED_BY = 'npm run schema';

export const SCHEMA_FILE = join(PROJECT_ROOT, 'schema', 'harbormaster.schema.json');
export const CONFIGURATION_DOC = join(PROJECT_ROOT, 'docs', 'configuration.md');
export const CLI_DOC = join(PROJECT_ROOT, 'docs', 'cli.md');
export const WEBHOOK_SCHEMA_FILE = join(PROJECT_ROOT, 'schema', 'webhook-payload.v1.json');

/** The example at the top of docs/configuration.md; generating the page fails if it is not a valid file. */
export const EXAMPLE_CONFIG = `# harbormaster.yml of one stage: \`harbormaster validate\`, then \`harbormaster plan\` and \`harbormaster apply\`.
services:
  web:                          # the name the CLI knows it by: harbormaster status web
    cluster: prod               # service: defaults to the key (web)
    deploy:
      image:
        repository: web         # pushes to this ECR repository...
        tagPattern: "v*"        # ...with a tag like v1.2.3 deploy
        containers: [app]
      strategy:
        type: canary
        percent: 10
        bakeMinutes: 15
      finalBakeMinutes: 10
      loadBalancer:
        production:
          listenerArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2
        targetGroupArns:
          - arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-a/73e2d6bc24d8a067
          - arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-b/2453ed029918f21f
      rollbackAlarms: [web-5xx]
    scaling:
      minCapacity: 2
      maxCapacity: 20
      policies:
        - alarmName: web-cpu-high
          adjustmentType: ChangeInCapacity
          stepAdjustments:
            - { metricIntervalLowerBound: 0, metricIntervalUpperBound: 20, scalingAdjustment: 1 }
            - { metricIntervalLowerBound: 20, scalingAdjustment: 3 }
        - alarmName: web-cpu-low
          adjustmentType: ChangeInCapacity
          stepAdjustments:
            - { metricIntervalUpperBound: 0, scalingAdjustment: -1 }
cleanup:
  keepLatest: 10
  dryRun: false
`;

export function jsonSchema(): JsonSchema {
  // Draft 7: what the YAML language server and most editors implement. Input types: defaults make fields optional.
  const schema = z.toJSONSchema(stageConfigSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  return { ...schema, $id: 'https://github.com/harbormaster/harbormaster/schema/harbormaster.schema.json' } as JsonSchema;
}

export function generateJsonSchema(): string {
  return `${JSON.stringify(jsonSchema(), null, 2)}\n`;
}

export function generateConfigurationReference(): string {
  const example = readConfigText(EXAMPLE_CONFIG);
  if (!example.ok) {
    throw new Error(`The example of docs/configuration.md is not valid:\n${example.problems.map((problem) => `  line ${problem.line}: ${problem.path}: ${problem.message}`).join('\n')}`);
  }
  return renderConfigurationReference({ schema: jsonSchema(), example: EXAMPLE_CONFIG, generatedBy: GENERATED_BY, schemaLink: relative(dirname(CONFIGURATION_DOC), SCHEMA_FILE) });
}

export function generateCliReference(): string {
  return renderCliReference({ program: buildProgram(readOnlyCli()), exitCodes: exitCodes(), environment: ENVIRONMENT_HELP, generatedBy: GENERATED_BY });
}

/** Every generated file and what it should contain. */
export function generatedFiles(): Array<{ file: string; content: string }> {
  return [
    { file: SCHEMA_FILE, content: generateJsonSchema() },
    { file: CONFIGURATION_DOC, content: generateConfigurationReference() },
    { file: CLI_DOC, content: generateCliReference() },
    { file: WEBHOOK_SCHEMA_FILE, content: `${JSON.stringify(webhookPayloadJsonSchema(), null, 2)}\n` },
  ];
}

/** Enough of a Cli for the verbs to register themselves; the reference never runs one. */
function readOnlyCli(): Cli {
  const unavailable = (): never => {
    throw new Error('The CLI reference only reads the commands; it runs none.');
  };
  return {
    io: { out: () => undefined, err: () => undefined, isTTY: false },
    env: {},
    session: unavailable,
    colours: () => picocolors.createColors(false),
    json: () => false,
    now: () => new Date(0),
    interruption: () => new AbortController().signal,
    sleep: () => Promise.resolve(),
    exitWith: unavailable,
  };
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const { file, content } of generatedFiles()) {
    const name = relative(PROJECT_ROOT, file);
    if (check) {
      if (!existsSync(file) || readFileSync(file, 'utf8') !== content) stale.push(name);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      console.log(`wrote ${name}`);
    }
  }
  if (stale.length > 0) {
    console.error(`Out of date: ${stale.join(', ')}. Run \`npm run schema\` and commit the result.`);
    process.exitCode = 1;
  }
}
