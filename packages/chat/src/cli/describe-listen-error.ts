/** Why the server could not listen, said in terms of the CLI's flags (no Node stack trace). */
export function describeListenError(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "EADDRINUSE":
      return `port ${port} on ${host} is already in use (another server, or an earlier ragbits still running): stop it, or choose another port with --port, e.g. --port ${port === 65535 ? 8000 : port + 1} (--port 0 picks a free one)`;
    case "EACCES":
      return `not allowed to listen on port ${port} on ${host}: ports below 1024 need extra privileges; choose another with --port, e.g. --port 8000`;
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot listen on --host ${host}: it is not an address of this machine (use 127.0.0.1 for this machine only, 0.0.0.0 for every interface)`;
    default:
      return `cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
