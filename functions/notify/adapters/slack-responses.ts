import type { SlackResponse } from '../domain/slack-interaction.ts';

/**
 * Posts to an interaction's response URL (docs.slack.dev "Handling user interaction": up to five posts within 30
 * minutes; `replace_original` updates the card). The whole interaction must be answered within Slack's 3 seconds, so
 * the post gets what is left of that budget, and a redirect is not followed (a response URL never redirects).
 */
export async function postSlackResponse(responseUrl: string, message: SlackResponse, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(message),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok ? undefined : `the response URL answered ${response.status}`;
  } catch (error) {
    return `the response URL could not be reached (${error instanceof Error ? error.name : 'error'})`;
  }
}
