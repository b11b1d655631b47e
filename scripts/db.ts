/**
 * Developer helper: `tsx scripts/db.ts up|down [dir] [port]` starts or stops an embedded cluster
 * and prints its admin URL. `npm start` and `npm test` call the same code themselves.
 */
import { ensureCluster, stopCluster } from './lib/cluster.ts';

const [cmd = 'up', dir = '.data/pg', port = '54329'] = process.argv.slice(2);
if (cmd === 'up') console.log(ensureCluster({ dir, port: Number(port) }).adminUrl);
else if (cmd === 'down') stopCluster({ dir, port: Number(port) });
else {
  console.error('usage: tsx scripts/db.ts up|down [dir] [port]');
  process.exit(2);
}
