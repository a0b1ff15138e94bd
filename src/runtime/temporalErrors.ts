/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html) the CLI and worker explain. */
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

/** The gRPC status code of a Temporal client error (a ServiceError carries the gRPC error as `cause`). */
export function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  // The client turns a NOT_FOUND namespace into its own NamespaceNotFoundError, without the code.
  return grpcCode(err) === NOT_FOUND || (err instanceof Error && err.name === 'NamespaceNotFoundError');
}

export function isPermissionProblem(err: unknown): boolean {
  const code = grpcCode(err);
  return code === PERMISSION_DENIED || code === UNAUTHENTICATED;
}
