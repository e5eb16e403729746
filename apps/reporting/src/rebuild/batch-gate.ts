/**
 * Batches of different partitions run side by side; a task (the swap) runs alone: it waits
 * for the batches in hand, and batches that come meanwhile wait for it. Batches take the read
 * model's row locks in one order (ReadModelWriter), so side by side they cannot deadlock.
 */
export class BatchGate {
  private running = 0;
  private tasksWaiting = 0;
  private tasks: Promise<unknown> = Promise.resolve();
  private idle: (() => void)[] = [];

  async batch<T>(work: () => Promise<T>): Promise<T> {
    while (this.tasksWaiting > 0) await this.tasks;
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  exclusively<T>(task: () => Promise<T>): Promise<T> {
    this.tasksWaiting += 1;
    const result = this.tasks
      .then(async () => {
        while (this.running > 0) await new Promise<void>((wake) => this.idle.push(wake));
        return task();
      })
      .finally(() => {
        this.tasksWaiting -= 1;
      });
    this.tasks = result.catch(() => undefined);
    return result;
  }
}
