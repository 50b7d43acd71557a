-- wrk script: each request takes the next path of a file (one path per line), so a
-- request type cycles through many values; response() counts every status code, and
-- done() prints one line "BENCH_JSON {...}" that bench/loadtest.py reads.
--   wrk -t2 -c10 -d30s -s bench/cycle.lua http://127.0.0.1:PORT -- paths.txt

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(paths, line)
    end
  end
  if #paths == 0 then
    error("no paths in " .. args[1])
  end
  -- Threads start at different places in the list, then each walks all of it.
  position = math.floor(thread_number * #paths / 2)
  statuses = {}
end

function request()
  position = position + 1
  return wrk.format("GET", paths[(position % #paths) + 1])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local function json_object(map)
  local parts = {}
  for key, value in pairs(map) do
    table.insert(parts, string.format("%q:%s", tostring(key), tostring(value)))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses") or {}) do
      merged[code] = (merged[code] or 0) + count
    end
  end
  local percentiles = {}
  for _, p in ipairs({50, 75, 90, 99, 99.9}) do
    percentiles[string.format("%g", p)] = latency:percentile(p)
  end
  local out = {
    duration_us = summary.duration,
    requests = summary.requests,
    bytes = summary.bytes,
    connect_errors = summary.errors.connect,
    read_errors = summary.errors.read,
    write_errors = summary.errors.write,
    timeouts = summary.errors.timeout,
    latency_min_us = latency.min,
    latency_max_us = latency.max,
    latency_mean_us = latency.mean,
    statuses = json_object(merged),
    percentiles_us = json_object(percentiles),
  }
  local parts = {}
  for key, value in pairs(out) do
    table.insert(parts, string.format("%q:%s", key, tostring(value)))
  end
  io.write("BENCH_JSON {" .. table.concat(parts, ",") .. "}\n")
end
