/** One readable line for a failure that stops a command or the server. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    if (error.name === 'AggregateError' && 'errors' in error) {
      const inner = (error as AggregateError).errors[0];
      if (inner) return describeFailure(inner);
    }
    if (code === 'EADDRINUSE') return `${error.message} (another process uses this port; set PORT or --port)`;
    return error.message || String(code ?? error.name);
  }
  return String(error);
}
