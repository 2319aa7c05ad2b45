/** A write was refused by DynamoDB for a reason other than our own guard: retrying the event may succeed. */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
}
