-- wrk script for POST /v1/attestations: one predicate about the seeded records, round robin, each request with a
-- fresh random 24-byte nonce. Arguments (after --): the requester's bearer token, the record ids comma-separated,
-- the predicate as JSON (e.g. {"field":"income","at_least":18000}).
local token, ids, predicate, n = nil, {}, nil, 0
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

-- base64 of `count` random bytes (count a multiple of 3, so no padding).
local function nonce(count)
  local out = {}
  for _ = 1, count / 3 do
    local v = math.random(0, 255) * 65536 + math.random(0, 255) * 256 + math.random(0, 255)
    for shift = 18, 0, -6 do
      local k = math.floor(v / 2 ^ shift) % 64
      out[#out + 1] = alphabet:sub(k + 1, k + 1)
    end
  end
  return table.concat(out)
end

init = function(args)
  token, predicate = args[1], args[3]
  for id in string.gmatch(args[2], "[^,]+") do ids[#ids + 1] = id end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

request = function()
  n = n + 1
  local body = string.format(
    '{"record":"%s","predicates":[%s],"nonce":"%s","purpose":"loan-application"}',
    ids[(n % #ids) + 1], predicate, nonce(24))
  return wrk.format("POST", "/v1/attestations", {
    ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    latency:percentile(50), latency:percentile(99)))
end
