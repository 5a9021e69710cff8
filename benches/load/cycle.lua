-- wrk script: sends the pre-signed deliveries of $VOXHOOK_LOAD_REQUESTS in
-- order, each once (the generator makes more than a round sends).
local reqs = {}
for line in io.lines(os.getenv("VOXHOOK_LOAD_REQUESTS")) do
  local sig, body = line:match("^(%S+) (.*)$")
  reqs[#reqs + 1] = { body, sig }
end
local n = #reqs
local i = 0

request = function()
  i = i + 1
  local r = reqs[(i - 1) % n + 1]
  return wrk.format("POST", "/voxpria/events", {
    ["Content-Type"] = "application/json",
    ["X-Webhook-Signature"] = r[2],
  }, r[1])
end

done = function(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", summary.errors.status))
end
