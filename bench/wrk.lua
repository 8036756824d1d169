-- wrk script of the benchmarks: cycles through the paths of the file $BENCH_PATHS (one a line),
-- sends "Authorization: Token $BENCH_TOKEN" when set, stops each thread after $BENCH_LIMIT
-- responses when set, and prints one line "BENCH_JSON {...}" with the figures bench/run.py reads.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then table.insert(paths, line) end
end
local token = os.getenv("BENCH_TOKEN") or ""
local limit = tonumber(os.getenv("BENCH_LIMIT") or "0") or 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id or 0
  seen = 0
  bad = 0
end

function request()
  counter = counter + 1
  local headers = {}
  if #token > 0 then headers["Authorization"] = "Token " .. token end
  return wrk.format("GET", paths[(counter % #paths) + 1], headers)
end

function response(status, headers, body)
  if status >= 300 then bad = bad + 1 end
  seen = seen + 1
  if limit > 0 and seen >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local non2xx = 0
  for _, thread in ipairs(threads) do non2xx = non2xx + (thread:get("bad") or 0) end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    non2xx, errors.connect + errors.read + errors.write + errors.timeout))
end
