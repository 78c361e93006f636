-- A seller's tokens and the server's clock. KEYS[1]: the token hash.
-- Returns {access, refresh, expires_at_ms, version, now_ms}; access is false when none is stored.
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'access', 'refresh', 'expires_at', 'version')
return {v[1], v[2], tonumber(v[3]) or 0, tonumber(v[4]) or 0, now_ms}
