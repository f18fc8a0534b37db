'use strict';
// A forward proxy on 127.0.0.1 that serves only CONNECT tunnels, as
// corporate egress proxies do for https. It records each tunnel's target
// and refuses plain proxied requests, so a client that bypassed the tunnel
// fails visibly. With `auth`, it wants Proxy-Authorization first.
const http = require('node:http');
const net = require('node:net');

async function startConnectProxy({ auth } = {}) {
  const tunnels = [];
  const refused = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    refused.push(`${req.method} ${req.url}`);
    res.writeHead(405, { 'content-type': 'text/plain' }).end('only CONNECT');
  });
  server.on('connect', (req, client, head) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (auth !== undefined && req.headers['proxy-authorization'] !== auth) {
      refused.push(`CONNECT ${req.url} without credentials`);
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
      return;
    }
    const [host, port] = splitHostPort(req.url);
    tunnels.push(req.url);
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    tunnels,
    refused,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function splitHostPort(authority) {
  const at = authority.lastIndexOf(':');
  return [authority.slice(0, at).replace(/^\[|\]$/g, ''), Number(authority.slice(at + 1))];
}

module.exports = { startConnectProxy };
