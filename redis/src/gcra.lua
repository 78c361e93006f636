-- GCRA over several budgets at once, on the server's clock (TIME), so the workers' clocks
-- never matter. Reserves the earliest slot every budget admits and answers how long the caller
-- must wait for it, or refuses (reserving nothing) when that is beyond the caller's limit.
--
-- KEYS[i]: the theoretical arrival time (µs) of budget i's next call.
-- ARGV[1]: the longest wait the caller accepts (µs);
-- ARGV[2i], ARGV[2i+1]: budget i's interval and burst tolerance (µs).
-- Returns {1, wait_us} (reserved) or {0, wait_us} (refused).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local max_wait = tonumber(ARGV[1])
local wait = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  tats[i] = tat
  local w = tat - now - tonumber(ARGV[2 * i + 1])
  if w > wait then wait = w end
end
if wait > max_wait then
  return {0, wait}
end
local at = now + wait
for i, key in ipairs(KEYS) do
  local tat = math.max(tats[i], at) + tonumber(ARGV[2 * i])
  -- The key only matters until its TAT has passed.
  local ttl = math.ceil((tat - now) / 1000) + 1000
  redis.call('SET', key, string.format('%.0f', tat), 'PX', ttl)
end
return {1, wait}
