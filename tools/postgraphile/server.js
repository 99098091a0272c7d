// PostGraphile v4 for the feed benchmark (bench/feed.py): one Node process serving the functions of
// bench/postgraphile.sql at /graphql, the caller taken from the same HS256 access token Linli reads.
// DATABASE_URL, JWT_SECRET and PORT come from the benchmark.
const http = require("http");
const { postgraphile } = require("postgraphile");

const handler = postgraphile(process.env.DATABASE_URL, "bench_graphile", {
  jwtSecret: process.env.JWT_SECRET,
  // Linli's tokens carry no audience (PostGraphile would require "postgraphile").
  jwtVerifyOptions: { algorithms: ["HS256"], audience: [] },
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  disableQueryLog: true,
  retryOnInitFail: false,
});
http.createServer(handler).listen(Number(process.env.PORT), "127.0.0.1");
