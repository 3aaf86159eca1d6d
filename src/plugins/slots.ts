/**
 * How many of something run at once (whole-record downloads, compressions): up to `max` at once,
 * then a queue of at most `queue` waiting their turn, each for at most `maxWaitMs` (without
 * limits, as long as it takes). Each holds its slot until it releases it.
 */

export class Slots {
  private running = 0;
  private readonly waiting: ((granted: boolean) => void)[] = [];

  constructor(
    readonly max: number,
    readonly queue = Infinity,
    readonly maxWaitMs = Infinity,
  ) {}

  /** How many hold a slot and how many wait. */
  counts(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * A slot, once one is free; null at once when too many are already waiting, and null after
   * `maxWaitMs` when none came free in time.
   */
  acquire(): Promise<(() => void) | null> | null {
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queue) return null;
    return new Promise((resolve) => {
      const turn = (granted: boolean) => {
        clearTimeout(timer);
        resolve(granted ? this.releaser() : null);
      };
      const timer = Number.isFinite(this.maxWaitMs)
        ? setTimeout(() => {
            this.waiting.splice(this.waiting.indexOf(turn), 1);
            turn(false);
          }, this.maxWaitMs)
        : undefined;
      this.waiting.push(turn);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(true);
      else this.running--;
    };
  }
}
