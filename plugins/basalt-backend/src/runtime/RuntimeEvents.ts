import { LoggerService } from '@backstage/backend-plugin-api';
import { RuntimeEvent } from '@basalt/plugin-basalt-node';

/**
 * The subscribers to a runtime's instance events (`Runtime.subscribe`):
 * every event is logged as a warning, then handed to each listener; one
 * listener's failure is logged and does not keep the event from the rest.
 */
export class RuntimeEvents {
  private readonly listeners = new Set<(event: RuntimeEvent) => void>();

  constructor(
    private readonly logger: LoggerService,
    /** How an event's instance is named in the log. */
    private readonly describe: (event: RuntimeEvent) => string,
  ) {}

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: RuntimeEvent): void {
    const what =
      event.type === 'instance-warning'
        ? `${event.reason}: ${event.message}`
        : event.message;
    this.logger.warn(`Instance ${this.describe(event)}: ${what}`);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error('A runtime event listener failed', error as Error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
