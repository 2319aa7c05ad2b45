import { userInfo } from 'node:os';

/**
 * Who acts, as a deployment records it (`approvedBy`, `abortRequestedBy`, …): the surface and the operating-system
 * user, as Slack approvals record `slack:<user id>`. Not an identity check: the AWS credentials are what authorise.
 */
export function operatorName(surface: 'cli' | 'dashboard', env: NodeJS.ProcessEnv): string {
  return `${surface}:${env['USER'] ?? env['USERNAME'] ?? safeUserName()}`;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    // A container user without a passwd entry has no name.
    return 'unknown';
  }
}
