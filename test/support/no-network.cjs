// Preload for tests: any attempt to open a network connection or resolve a name ends the
// process with exit code 99 and a marker on stderr. Local IPC (worker threads, pipes) is fine.
const net = require('node:net');
const dns = require('node:dns');
const tls = require('node:tls');
const dgram = require('node:dgram');
function refuse(what) {
  process.stderr.write(`NETWORK-ATTEMPT ${what}\n`);
  process.exit(99);
}
const origConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts = args[0];
  // A path (unix socket / named pipe) is local IPC, not the network.
  if (opts && typeof opts === 'object' && typeof opts.path === 'string') return origConnect.apply(this, args);
  if (typeof opts === 'string' && isNaN(Number(opts))) return origConnect.apply(this, args);
  refuse('net.connect');
};
tls.connect = () => refuse('tls.connect');
dns.lookup = () => refuse('dns.lookup');
dns.resolve = () => refuse('dns.resolve');
dns.promises.lookup = async () => refuse('dns.promises.lookup');
dgram.createSocket = () => refuse('dgram.createSocket');
if (typeof globalThis.fetch === 'function') globalThis.fetch = async () => refuse('fetch');
