-- wrk script for POST /v1/records: a new citizen record per request (the README tour's body, six fields, a fresh
-- national id each). Argument (after --): the department's bearer token.
local token, n, prefix = nil, 0, 0

init = function(args)
  token = args[1]
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  prefix = math.random(100000, 999999)
end

request = function()
  n = n + 1
  local id = string.format("H%06d%07d", prefix, n)
  local body = string.format(
    '{"type":"citizen","national_id":"%s","values":{"national_id":"%s","full_name":"Bench Citizen %d",' ..
    '"birth_date":"1980-01-01","district":"north","income":%d,"email":"c%d@example.org"}}',
    id, id, n, 20000 + n % 50000, n)
  return wrk.format("POST", "/v1/records", {
    ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    latency:percentile(50), latency:percentile(99)))
end
