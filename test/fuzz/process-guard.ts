/**
 * What escaped: exceptions nobody caught and promise rejections nobody handled while a
 * property ran. Either would end the client's process (Electron's main process, the browser
 * shell), so every fuzz property that drives sockets or timers checks this after each run.
 */
export interface ProcessGuard {
  /** Waits one turn of the event loop (rejections surface then) and throws if anything escaped. */
  check(what: string): Promise<void>;
  stop(): void;
}

export function guardProcess(): ProcessGuard {
  const escaped: { kind: string; error: unknown }[] = [];
  const onException = (error: unknown) => escaped.push({ kind: 'uncaught exception', error });
  const onRejection = (error: unknown) => escaped.push({ kind: 'unhandled rejection', error });
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    async check(what) {
      await new Promise((resolve) => setImmediate(resolve));
      if (escaped.length === 0) return;
      const found = escaped.splice(0);
      throw new Error(`${what}: ${found.map((e) => `${e.kind}: ${e.error instanceof Error ? (e.error.stack ?? e.error.message) : String(e.error)}`).join('\n')}`);
    },
    stop() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
