'use strict';
// A test-only HTTP front for chDB, the ClickHouse engine as an in-process library (npm "chdb"):
// enough of ClickHouse's HTTP interface for the SDK's tests of SQL semantics on a modern engine.
//
//   node chdb-shim.js DATA_DIR [PORT]     (PORT 0 or none: a free one; prints "LISTENING <port>")
//
// The engine is real: every statement, type, function, table engine and error comes from chDB.
// The HTTP envelope is this file's and covers only what the SDK uses:
// - GET /ping answers "Ok.";
// - SQL in the POST body, or in the query parameter (then the body, if any, is the data of an
//   INSERT ... FORMAT X, gzip-encoded or not; it reaches the engine as INSERT ... FROM INFILE);
// - other URL parameters are settings, added as a SETTINGS clause to SELECTs and inserts; the ones
//   that only shape the HTTP answer are ignored; an unknown one is the engine's error;
// - output in the statement's FORMAT (TabSeparated by default), bytes as the engine made them;
// - errors as the engine's "Code: N. DB::Exception: ..." text with the HTTP status ClickHouse gives
//   the codes the tests meet, and X-ClickHouse-Exception-Code.
// Not covered: authentication (any user is accepted), sessions, compression of answers, progress
// headers, errors in the middle of a streamed answer (the answer is complete before it is sent).
// Statements run one at a time.

const http = require('http');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { Session } = require(process.env.CHDB_MODULE || 'chdb');

const [dataDir, portArg] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: node chdb-shim.js DATA_DIR [PORT]');
  process.exit(2);
}
fs.mkdirSync(path.join(dataDir, 'uploads'), { recursive: true });
const session = new Session(path.join(dataDir, 'db'));

// Settings that shape the HTTP answer, not the query.
const HTTP_ONLY = new Set([
  'enable_http_compression', 'wait_end_of_query', 'send_progress_in_http_headers',
  'http_zlib_compression_level', 'buffer_size', 'query_id', 'session_id', 'user', 'password',
]);

// ClickHouse's HTTP status for the error codes the tests meet (exceptionCodeToHTTPStatus).
const STATUS = new Map([
  ...[192, 193, 194, 516].map((c) => [c, 401]),
  ...[164, 497].map((c) => [c, 403]),
  ...[6, 27, 38, 41, 53, 62, 70, 117].map((c) => [c, 400]),
  ...[16, 46, 47, 50, 60, 73, 81, 115].map((c) => [c, 404]),
  [159, 408],
]);

let queue = Promise.resolve();
let uploads = 0;

function sqlString(s) {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

async function run(sql, settings, data) {
  const isInsert = /^\s*INSERT\b/i.test(sql);
  const clause = settings.length ? ' SETTINGS ' + settings.join(', ') : '';
  let file = null;
  if (isInsert && data.length > 0) {
    file = path.join(dataDir, 'uploads', 'insert-' + ++uploads + '.bin');
    fs.writeFileSync(file, data);
    const m = /\sFORMAT\s+(\w+)\s*$/i.exec(sql);
    if (!m) {
      throw Object.assign(new Error('Code: 62. DB::Exception: INSERT with data needs FORMAT. (SYNTAX_ERROR)'), { clickhouseCode: 62 });
    }
    sql = sql.slice(0, m.index) + ' FROM INFILE ' + sqlString(file) + clause + ' FORMAT ' + m[1];
  } else if (/^\s*(SELECT|WITH)\b/i.test(sql)) {
    sql += clause;
  }
  try {
    const result = await session.queryAsync(sql, { format: 'TabSeparated' });
    return Buffer.from(result.bytes());
  } finally {
    if (file) fs.rmSync(file, { force: true });
  }
}

function contentType(sql) {
  const m = /\bFORMAT\s+(\w+)\s*(SETTINGS\b.*)?$/is.exec(sql);
  const format = m ? m[1] : 'TabSeparated';
  if (/^(RowBinary|Native)/i.test(format)) return 'application/octet-stream';
  if (/^(TabSeparated|TSV)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  return 'text/plain; charset=UTF-8';
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/ping') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
    return;
  }
  const chunks = [];
  for await (const c of req) chunks.push(c);
  let body = Buffer.concat(chunks);
  if ((req.headers['content-encoding'] || '').toLowerCase() === 'gzip') body = zlib.gunzipSync(body);
  let sql = url.searchParams.get('query');
  let data = Buffer.alloc(0);
  if (sql === null) {
    sql = body.toString('utf8');
  } else if (/^\s*INSERT\b/i.test(sql)) {
    data = body;
  } else if (body.length > 0) {
    sql += '\n' + body.toString('utf8');
  }
  const settings = [];
  for (const [k, v] of url.searchParams) {
    if (k !== 'query' && !HTTP_ONLY.has(k) && !k.startsWith('http_')) settings.push(k + ' = ' + sqlString(v));
  }
  const task = queue.then(() => run(sql.trim(), settings, data));
  queue = task.catch(() => {});
  try {
    const out = await task;
    res.writeHead(200, { 'Content-Type': contentType(sql.trim()), 'Content-Length': out.length });
    res.end(out);
  } catch (e) {
    const code = Number(e.clickhouseCode) || 1000;
    const text = String(e.message).startsWith('Code: ') ? e.message : 'Code: ' + code + '. DB::Exception: ' + e.message;
    res.writeHead(STATUS.get(code) || 500, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(code),
    });
    res.end(text + '\n');
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('Code: 1000. DB::Exception: shim: ' + e + '\n');
  });
});
server.keepAliveTimeout = 10_000;
server.listen(Number(portArg || 0), '127.0.0.1', () => {
  console.log('LISTENING ' + server.address().port);
});
function stop() {
  server.close();
  session.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The test JVM closes our stdin when it ends, also when it is killed: then go too.
process.stdin.on('end', stop);
process.stdin.resume();
