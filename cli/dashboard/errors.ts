/** A request the dashboard answers with an HTTP error and an ApiError body (api.ts). */
export class DashboardError extends Error {
  override readonly name = 'DashboardError';
  readonly status: number;
  readonly hint: string | undefined;
  readonly field: string | undefined;

  constructor(status: number, message: string, options: { hint?: string; field?: string } = {}) {
    super(message);
    this.status = status;
    this.hint = options.hint;
    this.field = options.field;
  }
}

export const notFound = (message: string, hint?: string) => new DashboardError(404, message, hint === undefined ? {} : { hint });
export const refused = (message: string, hint?: string) => new DashboardError(409, message, hint === undefined ? {} : { hint });
export const badRequest = (message: string, field?: string) => new DashboardError(400, message, field === undefined ? {} : { field });
