import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  appendStarter,
  chooseImage,
  chooseRoutes,
  parseImageReference,
  planStarter,
  StarterMergeError,
  starterText,
  type RouteFact,
  type ServiceFacts,
} from '../../../functions/config/domain/starter-config.ts';
import { readConfigText } from '../../../functions/config/index.ts';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const BLUE = `${ELB}:targetgroup/web-blue/73e2d6bc24d8a067`;
const GREEN = `${ELB}:targetgroup/web-green/8e4c7a2b1d9f0c36`;
const LISTENER_80 = `${ELB}:listener/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const LISTENER_443 = `${ELB}:listener/app/web-alb/50dc6c495c0c9188/0467ef3c8400ae65`;
const LISTENER_8443 = `${ELB}:listener/app/web-alb/50dc6c495c0c9188/9683b2d02a6cabee`;
const RULE = `${ELB}:listener-rule/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const APP_IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v7';

const listener = (listenerArn: string, port: number, forwardsTo: string[], protocol = port === 443 || port === 8443 ? 'HTTPS' : 'HTTP'): RouteFact => ({ listenerArn, protocol, port, forwardsTo });
const rule = (listenerArn: string, port: number, priority: string, forwardsTo: string[], arn = RULE): RouteFact => ({
  ...listener(listenerArn, port, forwardsTo),
  rule: { arn, priority, conditions: ['path-pattern /api/*'] },
});

function facts(overrides: Partial<ServiceFacts> = {}): ServiceFacts {
  return {
    cluster: 'prod',
    service: 'web',
    serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
    deploymentController: 'EXTERNAL',
    desiredCount: 3,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
    containers: [
      { name: 'app', image: APP_IMAGE, essential: true },
      { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2', essential: false },
    ],
    loadBalancers: [{ targetGroupArn: BLUE, containerName: 'app', containerPort: 8080 }],
    routes: [listener(LISTENER_80, 80, [BLUE, GREEN])],
    ...overrides,
  };
}

const text = (input: ServiceFacts) => starterText(planStarter(input), { schemaLocation: 'schema/harbormaster.schema.json' });

describe('parseImageReference', () => {
  const ecr: Array<[string, Record<string, string>]> = [
    [APP_IMAGE, { account: '123456789012', region: 'us-east-1', repository: 'web', tag: 'v7' }],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web@sha256:${'a'.repeat(64)}`, { region: 'eu-west-1', repository: 'team/web', digest: `sha256:${'a'.repeat(64)}` }],
    [`123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v7@sha256:${'b'.repeat(64)}`, { repository: 'web', tag: 'v7', digest: `sha256:${'b'.repeat(64)}` }],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/web', { region: 'us-gov-west-1', repository: 'web' }],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web:1.2', { region: 'cn-north-1', repository: 'web', tag: '1.2' }],
  ];
  for (const [image, expected] of ecr) {
    it(`reads ${image}`, () => {
      const parsed = parseImageReference(image);
      assert.equal(parsed.kind, 'ecr');
      for (const [field, value] of Object.entries(expected)) assert.equal((parsed as Record<string, unknown>)[field], value, field);
    });
  }
  for (const image of ['nginx:1.27', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2', 'ghcr.io/acme/web:v1', '123456789012.dkr.ecr.us-east-1.amazonaws.com/Web:v1']) {
    it(`knows ${image} is not a private ECR image`, () => assert.deepEqual(parseImageReference(image), { kind: 'other', image }));
  }
});

describe('chooseImage', () => {
  it('takes the repository of the container the load balancer serves, and every container running it', () => {
    const choice = chooseImage(
      facts({
        containers: [
          { name: 'envoy', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/envoy:1.30', essential: true },
          { name: 'app', image: APP_IMAGE, essential: true },
          { name: 'worker', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v6', essential: true },
          { name: 'log-router', image: 'fluent/fluent-bit:3', essential: false },
        ],
      }),
    );
    assert.equal(choice.repository, 'web');
    assert.deepEqual(choice.containers, ['app', 'worker']);
    assert.deepEqual(
      choice.skipped.map(({ container, reason }) => [container.name, reason]),
      [
        ['envoy', 'an image of the ECR repository envoy'],
        ['log-router', 'not an ECR image'],
      ],
    );
    assert.deepEqual(choice.notes, []);
  });

  it('falls back to the first essential ECR container without a load balancer', () => {
    const choice = chooseImage(facts({ loadBalancers: [], containers: [{ name: 'init', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/migrate:1', essential: false }, { name: 'app', image: APP_IMAGE, essential: true }] }));
    assert.equal(choice.repository, 'web');
    assert.deepEqual(choice.containers, ['app']);
  });

  it('leaves a TODO when no image is in ECR', () => {
    const choice = chooseImage(facts({ containers: [{ name: 'app', image: 'nginx:1.27', essential: true }] }));
    assert.equal(choice.repository, undefined);
    assert.deepEqual(choice.containers, []);
    assert.match(choice.notes[0]?.message ?? '', /no container runs an image from ECR/);
  });

  it('warns when the image is in another account or region', () => {
    const choice = chooseImage(facts({ containers: [{ name: 'app', image: '999988887777.dkr.ecr.us-east-1.amazonaws.com/web:v7', essential: true }] }));
    assert.match(choice.notes[0]?.message ?? '', /account 999988887777, region us-east-1, not the service's \(123456789012, us-east-1\)/);
  });
});

describe('chooseRoutes', () => {
  it('takes the listener forwarding to blue and green, and both target groups, blue first', () => {
    const choice = chooseRoutes(facts());
    assert.equal(choice.production?.listenerArn, LISTENER_80);
    assert.equal(choice.test, undefined);
    assert.deepEqual(choice.targetGroupArns, [BLUE, GREEN]);
    assert.deepEqual(choice.notes, []);
  });

  it('prefers a rule to the default action, and warns that the default action would not be shifted', () => {
    const choice = chooseRoutes(facts({ routes: [listener(LISTENER_80, 80, [BLUE, GREEN]), rule(LISTENER_80, 80, '20', [BLUE, GREEN], `${RULE}0`), rule(LISTENER_80, 80, '5', [BLUE, GREEN])] }));
    assert.equal(choice.production?.rule?.arn, RULE, 'the rule of lowest priority');
    assert.equal(choice.unshifted.length, 2);
    assert.equal(choice.notes.length, 2);
    assert.match(choice.notes[0]?.message ?? '', /the HTTP:80 listener of web-alb \(its default action\) also forwards to the service's target groups/);
  });

  it('takes HTTPS 443 for production and another port for the test listener', () => {
    const choice = chooseRoutes(facts({ routes: [listener(LISTENER_8443, 8443, [BLUE, GREEN]), listener(LISTENER_80, 80, ['arn:other']), listener(LISTENER_443, 443, [BLUE, GREEN])] }));
    assert.equal(choice.production?.listenerArn, LISTENER_443);
    assert.equal(choice.test?.listenerArn, LISTENER_8443);
    assert.deepEqual(choice.unshifted, [], 'a listener forwarding elsewhere is not the service\'s');
  });

  it('never takes the second of 80 and 443 for the test listener: both serve production', () => {
    const choice = chooseRoutes(facts({ routes: [listener(LISTENER_80, 80, [BLUE, GREEN]), listener(LISTENER_443, 443, [BLUE, GREEN])] }));
    assert.equal(choice.production?.listenerArn, LISTENER_443);
    assert.equal(choice.test, undefined);
    assert.equal(choice.unshifted[0]?.listenerArn, LISTENER_80);
  });

  it('leaves a TODO for the second target group when production forwards to blue alone', () => {
    const choice = chooseRoutes(facts({ routes: [listener(LISTENER_80, 80, [BLUE])] }));
    assert.deepEqual(choice.targetGroupArns, [BLUE]);
    assert.match(choice.notes[0]?.message ?? '', /blue\/green needs a second, idle target group: create one like web-blue/);
  });

  it('takes blue from the primary task set while a deploy has green registered too', () => {
    const choice = chooseRoutes(facts({ loadBalancers: [{ targetGroupArn: GREEN }, { targetGroupArn: BLUE }] }));
    assert.deepEqual(choice.targetGroupArns, [GREEN, BLUE]);
  });

  it('leaves TODOs without a load balancer, or without a route to it', () => {
    assert.match(chooseRoutes(facts({ loadBalancers: [], routes: [] })).notes[0]?.message ?? '', /the service has no load balancer/);
    const unrouted = chooseRoutes(facts({ routes: [] }));
    assert.equal(unrouted.production, undefined);
    assert.match(unrouted.notes[0]?.message ?? '', /no listener or rule forwards to web-blue/);
  });
});

describe('starterText', () => {
  it('writes a commented starter that validates', () => {
    const written = text(facts({ routes: [listener(LISTENER_80, 80, [BLUE, GREEN]), listener(LISTENER_8443, 8443, [BLUE, GREEN])] }));
    assert.ok(written.startsWith('# yaml-language-server: $schema=schema/harbormaster.schema.json\n'));
    const read = readConfigText(written);
    assert.ok(read.ok, JSON.stringify(!read.ok && read.problems));
    assert.deepEqual(parse(written).services.web, {
      cluster: 'prod',
      deploy: {
        image: { repository: 'web', tagPattern: '*', containers: ['app'] },
        strategy: { type: 'canary', percent: 10, bakeMinutes: 5 },
        loadBalancer: { production: { listenerArn: LISTENER_80 }, test: { listenerArn: LISTENER_8443 }, targetGroupArns: [BLUE, GREEN] },
        rollbackAlarms: [],
      },
    });
    assert.match(written, /# The ECR repository whose pushes deploy this service: app runs\n\s+# 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/web:v7\.\n\s+repository: web/);
    assert.match(written, /# Not listed: log-router runs public\.ecr\.aws\/aws-observability\/aws-for-fluent-bit:2, not an ECR image;/);
    assert.match(written, /# Today web-blue serves \(ECS registers the service's tasks with it\) and web-green is idle\.\n\s+targetGroupArns:/);
    assert.match(written, /strategy: \{ type: canary, percent: 10, bakeMinutes: 5 \}/);
    for (const line of written.split('\n').filter((line) => line.trimStart().startsWith('#'))) assert.ok(line.length <= 120, `a comment line of ${line.length} characters: ${line}`);
  });

  it('comments out a scaling section that validates once uncommented', () => {
    const written = text(facts());
    const uncommented = written.replace(/^ {4}# ( {2}.*|scaling:.*)$/gm, '    $1');
    assert.notEqual(uncommented, written);
    const read = readConfigText(uncommented);
    assert.ok(read.ok, JSON.stringify(!read.ok && read.problems));
    assert.equal(parse(uncommented).services.web.scaling.minCapacity, 3, 'today\'s desired count');
  });

  it('still writes the starter for the ECS deployment controller, saying why it cannot deploy and how to migrate', () => {
    const starter = planStarter(facts({ deploymentController: 'ECS' }));
    assert.match(starter.notes[0]?.message ?? '', /prod\/web uses the ECS deployment controller, and Harbormaster's blue\/green deploys need the EXTERNAL one/);
    assert.match(starter.notes[0]?.message ?? '', /--deployment-controller type=EXTERNAL/);
    const written = starterText(starter, { schemaLocation: 's.json' });
    assert.match(written, /# TODO: prod\/web uses the ECS deployment controller/);
    assert.ok(readConfigText(written).ok, 'the configuration itself is valid');
  });

  it('leaves TODOs that validate refuses at their lines', () => {
    const written = text(facts({ containers: [{ name: 'app', image: 'nginx:1.27', essential: true }], routes: [listener(LISTENER_80, 80, [BLUE])] }));
    const read = readConfigText(written);
    assert.equal(read.ok, false);
    const problems = read.ok ? [] : read.problems.map((problem) => problem.path);
    assert.deepEqual(problems, ['services.web.deploy.image.repository', 'services.web.deploy.loadBalancer.targetGroupArns']);
    assert.match(written, /# TODO: blue\/green needs a second, idle target group: create one like web-blue/);
    assert.match(written, /repository: TODO/);
  });
});

describe('appendStarter', () => {
  const EXISTING = `# yaml-language-server: $schema=schema/harbormaster.schema.json
# Our services.
services:
  # The API, hand-written.
  api:
    cluster: prod   # same cluster
    scaling: { minCapacity: 1, maxCapacity: 4, policies: [{ alarmName: api-cpu, adjustmentType: ChangeInCapacity, stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }] }] }

cleanup:
  keepLatest: 3 # keep a few
`;

  it('adds the service under services and keeps every byte of the file', () => {
    const merged = appendStarter(EXISTING, planStarter(facts()), { replace: false });
    const [before] = EXISTING.split('\ncleanup:');
    assert.ok(merged.startsWith(`${before}\n  # prod/web, as \`harbormaster init\``), merged);
    assert.ok(merged.endsWith('\ncleanup:\n  keepLatest: 3 # keep a few\n'));
    const read = readConfigText(merged);
    assert.ok(read.ok, JSON.stringify(!read.ok && read.problems));
    assert.deepEqual(read.entries.get('services')?.map((entry) => entry.label), ['api', 'web']);
  });

  it('appends to a file it wrote, and that file stays as it was', () => {
    const first = text(facts());
    const merged = appendStarter(first, planStarter(facts({ service: 'admin' })), { replace: false });
    assert.ok(merged.startsWith(first.trimEnd()));
    assert.deepEqual(Object.keys(parse(merged).services), ['web', 'admin']);
  });

  it('creates services in a file without it, and in an empty file', () => {
    assert.deepEqual(Object.keys(parse(appendStarter('cleanup:\n  keepLatest: 3\n', planStarter(facts()), { replace: false }))), ['cleanup', 'services']);
    assert.ok(readConfigText(appendStarter('', planStarter(facts()), { replace: false })).ok);
    assert.ok(readConfigText(appendStarter('services:\n', planStarter(facts()), { replace: false })).ok);
  });

  it('refuses a service the file already has, by key or by cluster/service, unless asked to replace it', () => {
    const first = text(facts());
    assert.throws(() => appendStarter(first, planStarter(facts()), { replace: false }), (error: unknown) => error instanceof StarterMergeError && /services\.web already configures prod\/web: edit it there, or pass --force/.test(error.message));
    const renamed = first.replace('\n  web:\n', '\n  frontend:\n').replace('    cluster: prod\n', '    cluster: prod\n    service: web\n');
    assert.throws(() => appendStarter(renamed, planStarter(facts()), { replace: false }), /services\.frontend already configures prod\/web/);
    const replaced = appendStarter(first.replace('percent: 10', 'percent: 25'), planStarter(facts()), { replace: true });
    assert.equal(replaced, first, 'the entry is written afresh');
  });

  it('writes the entry at the indentation and line endings the file uses', () => {
    const fourSpaces = 'services:\n    api:\n        cluster: prod\n';
    const merged = appendStarter(fourSpaces, planStarter(facts()), { replace: false });
    assert.ok(merged.startsWith(`${fourSpaces}\n    # prod/web`), merged);
    assert.match(merged, /\n {8}cluster: prod\n {8}# Blue\/green deploys/);
    assert.ok(readConfigText(merged).ok);
    const crlf = appendStarter('services:\r\n  api:\r\n    cluster: prod\r\n', planStarter(facts()), { replace: false });
    assert.equal(crlf.split('\r\n').length, crlf.split('\n').length, 'every line ends in CRLF');
    assert.ok(readConfigText(crlf).ok);
  });

  it('refuses what it cannot merge cleanly', () => {
    assert.throws(() => appendStarter('services: [\n', planStarter(facts()), { replace: false }), /it is not valid YAML/);
    assert.throws(() => appendStarter('services: [api]\n', planStarter(facts()), { replace: false }), /its services section is not a map/);
    assert.throws(() => appendStarter('services: { api: { cluster: prod } }\n', planStarter(facts()), { replace: false }), /flow map/);
    assert.throws(() => appendStarter('- services\n', planStarter(facts()), { replace: false }), /top level is not a block map/);
  });
});
