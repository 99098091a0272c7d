// The fan-out benchmark's FCM stand-in: the FCM HTTP v1 send contract of tests/stubs/fcm.py, served by
// Node's built-in http2 module (nghttp2, in C) in a process of its own, so that the stand-in's CPU is
// neither the pure-Python HTTP/2 of the test stand-in nor counted with the benchmark's. No npm packages.
//
//   node bench/fcm_standin.mjs PORT STATS_PORT BEARER
//
// PORT: HTTP/2 in the clear with prior knowledge (h2c), as the test stand-in:
//   POST /v1/projects/{project}/messages:send   authorization: Bearer <BEARER>
//   {"message": {"token", "notification": {...}, ...}}  -> 200 {"name": "projects/{project}/messages/<n>"}
//   a wrong bearer -> 401 UNAUTHENTICATED; no token or notification -> 400 INVALID_ARGUMENT.
// STATS_PORT (HTTP/1.1): GET /stats -> {"accepted", "tokens", "connections", "streams"} so far.
import http from "node:http";
import http2 from "node:http2";

const [port, statsPort, bearer] = process.argv.slice(2);
const SEND = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const stats = { accepted: 0, connections: 0, streams: 0 };
const tokens = new Set(); // distinct devices reached: a re-sent push is accepted but counts once here

function answer(stream, status, body) {
  stream.respond({ ":status": status, "content-type": "application/json; charset=UTF-8" });
  stream.end(JSON.stringify(body));
}

function error(stream, code, status, message, fcmCode) {
  const details = fcmCode
    ? [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: fcmCode }] : undefined;
  answer(stream, code, { error: { code, message, status, details } });
}

const server = http2.createServer({ settings: { maxConcurrentStreams: 1000 } });
server.on("session", () => { stats.connections += 1; });
server.on("stream", (stream, headers) => {
  stats.streams += 1;
  const route = headers[":method"] === "POST" && SEND.exec(headers[":path"]);
  const chunks = [];
  stream.on("data", (chunk) => chunks.push(chunk));
  stream.on("end", () => {
    if (!route) return error(stream, 404, "NOT_FOUND", "Not found");
    if (headers.authorization !== `Bearer ${bearer}`) {
      return error(stream, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    }
    let message;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString("utf8")).message || {};
    } catch {
      return error(stream, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.", "INVALID_ARGUMENT");
    }
    if (typeof message.token !== "string" || !message.token || typeof message.notification !== "object") {
      return error(stream, 400, "INVALID_ARGUMENT", "The message is invalid", "INVALID_ARGUMENT");
    }
    stats.accepted += 1;
    tokens.add(message.token);
    answer(stream, 200, { name: `projects/${route[1]}/messages/${stats.accepted}` });
  });
  stream.on("error", () => {}); // a client gone mid-stream: nothing to answer
});
server.listen(Number(port), "127.0.0.1");

http.createServer((request, response) => {
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify({ ...stats, tokens: tokens.size }));
}).listen(Number(statsPort), "127.0.0.1");
