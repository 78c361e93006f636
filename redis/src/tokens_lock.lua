-- Takes the refresh lock of a seller unless someone holds it, with a new fencing token.
-- KEYS[1]: the lock, KEYS[2]: the fence counter. ARGV[1]: the lock's lifetime (ms).
-- Returns the fence, or 0 when the lock is held.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return fence
