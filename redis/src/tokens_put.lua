-- Stores a seller's tokens unconditionally (first authorization, or re-authorization).
-- KEYS[1]: the token hash. ARGV: access token, refresh token, lifetime (ms).
-- Returns the new version.
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], 'access', ARGV[1], 'refresh', ARGV[2],
  'expires_at', string.format('%.0f', now_ms + tonumber(ARGV[3])))
return redis.call('HINCRBY', KEYS[1], 'version', 1)
