'use strict';
// Where @pyroscope/nodejs uploads during the bench: a server on 127.0.0.1
// that reads each body, counts it and answers 200, so the peer's upload path
// runs for real and nothing leaves the machine. Runs in the parent process,
// so the profiled process is not charged for it.
const http = require('node:http');

function startIngestSink() {
  let uploads = 0;
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (c) => (bytes += c.length));
    req.on('end', () => {
      uploads++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        stats: () => ({ uploads, bytes }),
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

module.exports = { startIngestSink };
