/**
 * Asks the server's /healthz every 100 ms from a process of its own (so that the benchmark's
 * own work does not count), until told to stop; then reports the slowest answer.
 */
const address = process.argv[2]!;
let slowest = 0;
let checks = 0;
let stop = false;
process.on('message', () => (stop = true));
while (!stop) {
  const started = performance.now();
  await (await fetch(`${address}/healthz`)).text();
  slowest = Math.max(slowest, performance.now() - started);
  checks++;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.send!({ slowest, checks });
process.disconnect();
