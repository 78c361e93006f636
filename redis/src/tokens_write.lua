-- Stores refreshed tokens only if no refresh began after this one: the fence counter still
-- holds ARGV[1], and no write with a later fence happened. A refresher whose lock expired (it
-- crashed, or stalled) and was taken over can therefore never overwrite the newer tokens.
-- Releases the lock if it is still this refresher's.
-- KEYS[1]: the token hash, KEYS[2]: the fence counter, KEYS[3]: the lock.
-- ARGV: fence, access token, refresh token ('' keeps the stored one), lifetime (ms).
-- Returns the new version, or 0 when fenced off.
local fence = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[2])) ~= fence then
  return 0
end
if (tonumber(redis.call('HGET', KEYS[1], 'fence')) or 0) >= fence then
  return 0
end
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], 'access', ARGV[2], 'fence', fence,
  'expires_at', string.format('%.0f', now_ms + tonumber(ARGV[4])))
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'refresh', ARGV[3])
end
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
if tonumber(redis.call('GET', KEYS[3])) == fence then
  redis.call('DEL', KEYS[3])
end
return version
