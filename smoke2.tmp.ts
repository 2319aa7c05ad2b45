import { startLocalAws } from './local/local-aws.ts';
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { taskStateChange } from './test/fixtures/aws-events.ts';
const aws = await startLocalAws();
try {
  await aws.deployStack();
  const l = new LambdaClient(aws.clientConfig);
  const r = await l.send(new InvokeCommand({ FunctionName: 'harbormaster-local-ingestTaskState', Payload: Buffer.from(JSON.stringify(taskStateChange())) }));
  console.log(r.StatusCode, r.FunctionError, Buffer.from(r.Payload!).toString());
} catch (e) { console.log('ERR', e); } finally { await aws.stop(); }
