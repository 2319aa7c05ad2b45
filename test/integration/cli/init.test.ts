import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { CreateServiceCommand } from '@aws-sdk/client-ecs';
import { createBlueGreenService, type BlueGreenService } from '../../../local/sample-blue-green.ts';
import { runCli, writeConfigFile } from '../../cli-support.ts';
import { useDeployedStack } from '../support.ts';

const stack = useDeployedStack();

/** The sample's ARNs end in random ids: named by role instead. */
function normalise(text: string, target: BlueGreenService): string {
  const names: Array<[string | undefined, string]> = [
    [target.ruleArn, '<rule>'],
    [target.testListenerArn, '<test-listener>'],
    [target.listenerArn, '<listener>'],
    [target.blueTargetGroupArn, '<blue>'],
    [target.greenTargetGroupArn, '<green>'],
  ];
  return names.reduce((normalised, [arn, name]) => (arn ? normalised.replaceAll(arn, name) : normalised), text);
}

/** The starter of the sample service (local/sample-blue-green.ts), around the loadBalancer section it differs in. */
const starterOfSample = (loadBalancer: string) => `# yaml-language-server: $schema=schema/harbormaster.schema.json
# Harbormaster configuration for one stage: check it with \`harbormaster validate\`, see what would change with
# \`harbormaster plan\`, store it with \`harbormaster apply\`.

services:
  # web-cluster/web, as \`harbormaster init\` read it from ECS and ELB. The key is the name the CLI knows
  # it by; it is the ECS service name unless a \`service:\` field names another.
  web:
    # The ECS cluster the service runs in.
    cluster: web-cluster
    # Blue/green deploys on image push: each push brings green up as a new task set on the idle target
    # group, moves traffic by the strategy, and rolls back when a rollback alarm goes to ALARM.
    deploy:
      image:
        # The ECR repository whose pushes deploy this service: app runs
        # 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v0.
        repository: web
        # Which pushed tags deploy: * matches any run of characters, so "*" deploys every push; "v*" only tags
        # starting with v.
        tagPattern: "*"
        # Containers whose image a push replaces; every other field of the task definition (web:1) is kept.
        # Not listed: log-router runs public.ecr.aws/aws-observability/aws-for-fluent-bit:2, not an ECR image;
        # pushes leave it as it is.
        containers:
          - app
      # A default to adapt: 10 % of production traffic to green, a 5-minute bake, then all of it.
      # The others: { type: all-at-once }, { type: linear, stepPercent: 20, intervalMinutes: 2 }.
      strategy: { type: canary, percent: 10, bakeMinutes: 5 }
      loadBalancer:
${loadBalancer}
        # Blue serves on one while green comes up on the other, idle one; they swap at every deploy.
        # Today web-blue serves (ECS registers the service's tasks with it) and web-green is idle.
        targetGroupArns:
          - <blue>
          - <green>
      # CloudWatch alarms (metric or composite) that roll a deploy back when any is in ALARM:
      # e.g. [web-5xx, web-latency].
      # Also optional: finalBakeMinutes, manualApproval, preTrafficHook, notify; the schema describes each.
      rollbackAlarms: []
    # Step scaling from a CloudWatch alarm of yours: uncomment, name the alarm and adapt the steps.
    # scaling:
    #   minCapacity: 2
    #   maxCapacity: 10
    #   policies:
    #     - alarmName: web-cpu-high
    #       adjustmentType: ChangeInCapacity
    #       cooldown: 300
    #       stepAdjustments:
    #         - { metricIntervalLowerBound: 0, metricIntervalUpperBound: 20, scalingAdjustment: 1 }
    #         - { metricIntervalLowerBound: 20, scalingAdjustment: 3 }
`;

async function assertValidates(text: string): Promise<void> {
  const validated = await runCli(['validate', '--file', writeConfigFile(text)]);
  assert.equal(validated.code, 0, validated.stderr);
}

describe('harbormaster init on the local AWS', () => {
  it('writes a starter for a blue/green service on its listener, and it validates', async () => {
    const web = await createBlueGreenService(stack.aws.clientConfig);
    const init = await runCli(['init', '--cluster', web.cluster, '--service', web.service]);
    assert.equal(init.code, 0, init.stderr);
    assert.equal(
      normalise(init.stdout, web),
      starterOfSample(`        # The route whose forward action carries the weights: the HTTP:80 listener of web-alb (its default
        # action).
        production:
          listenerArn: <listener>`),
    );
    assert.equal(init.stderr, 'Next: save it as harbormaster.yml (--output writes it) and review it, then `harbormaster plan` and `harbormaster apply`.\n');
    await assertValidates(init.stdout);
    const byArn = await runCli(['init', '--cluster', 'arn:aws:ecs:us-east-1:123456789012:cluster/web-cluster', '--service', 'arn:aws:ecs:us-east-1:123456789012:service/web-cluster/web']);
    assert.equal(byArn.stdout, init.stdout, 'ARNs name the same service');
  });

  it('takes the listener rule for production and the second listener for pre-traffic checks', async () => {
    const web = await createBlueGreenService(stack.aws.clientConfig, { useRule: true, withTestListener: true });
    const init = await runCli(['init', '--cluster', web.cluster, '--service', web.service]);
    assert.equal(init.code, 0, init.stderr);
    assert.equal(
      normalise(init.stdout, web),
      starterOfSample(`        # The route whose forward action carries the weights: rule 10 of the HTTP:80 listener of web-alb
        # (path-pattern /api/*).
        # Not shifted, though they also forward to the service's target groups: the HTTP:80 listener of
        # web-alb (its default action).
        production:
          listenerArn: <listener>
          ruleArn: <rule>
        # Green gets all of this route's traffic before production moves, for checks (preTrafficHook): the
        # HTTP:8443 listener of web-alb (its default action). Remove it if it serves production traffic.
        test:
          listenerArn: <test-listener>`),
    );
    assert.match(init.stderr, /^warning: the HTTP:80 listener of web-alb \(its default action\) also forwards to the service's target groups, but a deploy shifts only the production and test routes/m);
    await assertValidates(init.stdout);
  });

  it('refuses an unknown service or cluster, naming what exists', async () => {
    const web = await createBlueGreenService(stack.aws.clientConfig);
    const service = await runCli(['init', '--cluster', web.cluster, '--service', 'api']);
    assert.equal(service.code, 1);
    assert.equal(service.stdout, '');
    assert.equal(service.stderr, 'Error: No active service api in cluster web-cluster (region us-east-1)\n  Services in web-cluster: web. Check --service.\n');
    const cluster = await runCli(['init', '--cluster', 'prod', '--service', 'web']);
    assert.equal(cluster.code, 1);
    assert.equal(cluster.stderr, 'Error: No cluster prod (region us-east-1)\n  Clusters in us-east-1: web-cluster. Check --cluster, or --region and --profile.\n');
    assert.equal((await runCli(['init', '--service', 'web'])).code, 2, '--cluster is required');
  });

  it('still writes the starter of a service with the ECS deployment controller, saying how to migrate', async () => {
    const web = await createBlueGreenService(stack.aws.clientConfig);
    await web.clients.ecs.send(
      new CreateServiceCommand({
        cluster: web.cluster,
        serviceName: 'rolling',
        desiredCount: 1,
        taskDefinition: web.blueTaskDefinitionArn,
        loadBalancers: [{ targetGroupArn: web.blueTargetGroupArn, containerName: 'app', containerPort: 8080 }],
      }),
    );
    const init = await runCli(['init', '--cluster', web.cluster, '--service', 'rolling']);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /\n {4}# TODO: web-cluster\/rolling uses the ECS deployment controller, and Harbormaster's blue\/green deploys\n {4}# need the EXTERNAL one/);
    assert.match(init.stderr, /^TODO: web-cluster\/rolling uses the ECS deployment controller, .* To migrate: create a service with `--deployment-controller type=EXTERNAL`/m);
    assert.match(normalise(init.stdout, web), /targetGroupArns:\n {10}- <blue>\n {10}- <green>\n/, 'green is the idle target group its listener forwards to');
    await assertValidates(init.stdout);
  });

  it('writes a file only when asked, never over one without --force, and appends a service keeping the file', async () => {
    const web = await createBlueGreenService(stack.aws.clientConfig);
    const api = await createBlueGreenService(stack.aws.clientConfig, { name: 'api' });
    const file = writeConfigFile('', 'infra.yml');
    const target = ['--cluster', web.cluster, '--service', web.service, '--output', file];

    const refused = await runCli(['init', ...target]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `Error: ${file} already exists\n  Pass --force to overwrite it, or --append to add the service to it.\n`);
    assert.equal(readFileSync(file, 'utf8'), '');

    const dryRun = await runCli(['init', ...target, '--force', '--dry-run']);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /^# yaml-language-server/);
    assert.match(dryRun.stderr, /^Dry run: .*infra\.yml was not written\.$/m);
    assert.equal(readFileSync(file, 'utf8'), '');

    const written = await runCli(['init', ...target, '--force']);
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout, `✓ Wrote web (web-cluster/web) in ${file}\n`);
    const [schemaLine] = readFileSync(file, 'utf8').split('\n');
    const schema = /^# yaml-language-server: \$schema=(.+)$/.exec(schemaLine ?? '')?.[1] ?? '';
    assert.ok(existsSync(resolve(dirname(file), schema)), `${schema} is the schema, relative to the file`);

    writeFileSync(file, `${readFileSync(file, 'utf8')}\n# Revision cleanup, ours.\ncleanup:\n  keepLatest: 3   # a few\n`);
    const before = readFileSync(file, 'utf8');
    const appended = await runCli(['init', '--cluster', api.cluster, '--service', api.service, '--output', file, '--append', '--json']);
    assert.equal(appended.code, 0, appended.stderr);
    const report = JSON.parse(appended.stdout) as Record<string, unknown>;
    assert.deepEqual(
      { ...report, yaml: undefined },
      { cluster: 'api-cluster', service: 'api', name: 'api', file, written: true, appended: true, valid: true, problems: [], notes: [], yaml: undefined },
    );
    const after = readFileSync(file, 'utf8');
    assert.equal(report['yaml'], after);
    const [services] = before.split('\n# Revision cleanup, ours.');
    assert.ok(after.startsWith(`${services?.trimEnd()}\n\n  # api-cluster/api, as`), 'the file is kept as it was, the service added under services');
    assert.ok(after.endsWith('\n# Revision cleanup, ours.\ncleanup:\n  keepLatest: 3   # a few\n'));
    const validated = await runCli(['validate', '--file', file]);
    assert.equal(validated.code, 0, validated.stderr);
    assert.match(validated.stdout, /is valid \(services: web, api; cleanup: settings(;|\))/);

    const again = await runCli(['init', '--cluster', api.cluster, '--service', api.service, '--output', file, '--append']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Cannot add api-cluster\/api to .*: services\.api already configures api-cluster\/api: edit it there, or pass --force to replace it/);
    assert.equal(readFileSync(file, 'utf8'), after);
  });
});
