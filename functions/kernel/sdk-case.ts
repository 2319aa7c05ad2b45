/**
 * Step Functions' aws-sdk integrations take the API's member names with a capital first letter (`Cluster`,
 * `LoadBalancers[].TargetGroupArn`), while the SDK for JavaScript and API answers use camelCase. Pure.
 */
export function toSdkIntegrationCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSdkIntegrationCase);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.charAt(0).toUpperCase() + key.slice(1), toSdkIntegrationCase(item)]));
}
