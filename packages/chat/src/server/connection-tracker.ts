import { type Server } from "node:http";
import { type Socket } from "node:net";

/**
 * Knows which connections are serving a request, so a shutdown can close all the others at once:
 * keep-alive connections between requests, and connections a client opened but has not used yet
 * (fetch pre-connects), which `server.closeIdleConnections()` does not count as idle.
 */
export class ConnectionTracker {
  private readonly requestsBySocket = new Map<Socket, number>();
  private closing = false;

  constructor(server: Server) {
    server.on("connection", (socket: Socket) => {
      this.requestsBySocket.set(socket, 0);
      socket.once("close", () => this.requestsBySocket.delete(socket));
    });
    server.on("request", (req, res) => {
      const socket = req.socket;
      this.requestsBySocket.set(socket, (this.requestsBySocket.get(socket) ?? 0) + 1);
      res.once("close", () => {
        const open = (this.requestsBySocket.get(socket) ?? 1) - 1;
        this.requestsBySocket.set(socket, open);
        if (this.closing && open === 0) socket.destroy();
      });
    });
  }

  /** From now on, a connection is closed as soon as it has no request in flight. */
  closeIdle(): void {
    this.closing = true;
    for (const [socket, open] of this.requestsBySocket) if (open === 0) socket.destroy();
  }
}
