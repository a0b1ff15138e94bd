import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { actorProblem, actorsFrom } from '../domain/actors';
import { isNotFound } from '../runtime/temporalErrors';
import { CliError, errorText } from './context';

/**
 * One invocation, one request id: it is the Update ID too, so a gRPC call the
 * client retries within this invocation is the same Update to the server
 * (answered once), while running the command again is a new request.
 */
export function newRequestId(): string {
  return `cli:${randomUUID()}`;
}

/** `--as`: a Slack user ID on the actor list (PROBE_WAKE_SLACK_ACTORS, default SLACK_OPERATOR_USER_ID), or exit 2. */
export function checkedActor(actor: string, env: NodeJS.ProcessEnv = process.env): string {
  const listed = actorsFrom(env);
  if ('error' in listed) throw new CliError(listed.error, 2);
  const problem = actorProblem(listed.actors, actor);
  if (problem) throw new CliError(`--as ${problem}`, 2);
  return actor;
}

/**
 * Runs an Update and turns its failures into one line: `refusedExit` when the
 * workflow refused it (its validator or handler named a problem), 1 when the
 * workflow is not there or not running, or its code does not take this Update.
 */
export async function runUpdate<T>(what: string, workflowId: string, body: () => Promise<T>, refusedExit = 2): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = err.cause ? errorText(err.cause) : errorText(err);
      // The SDK's words when the workflow's code registers no such handler: not the operator's input.
      if (/no registered handler for update/i.test(reason)) throw new CliError(`${what}: workflow ${JSON.stringify(workflowId)} does not take this update (${reason}); is its worker older than this CLI?`);
      throw new CliError(`${what}: ${reason}`, refusedExit);
    }
    // A closed (or never started) workflow: the server answers NOT_FOUND.
    if (err instanceof WorkflowNotFoundError || isNotFound(err)) {
      throw new CliError(`${what}: no running workflow ${JSON.stringify(workflowId)} (${errorText(err)})`);
    }
    throw new CliError(`${what}: ${errorText(err)}`);
  }
}
