-- Releases the refresh lock if it is still held with this fence.
-- KEYS[1]: the lock. ARGV[1]: the fence.
if tonumber(redis.call('GET', KEYS[1])) == tonumber(ARGV[1]) then
  return redis.call('DEL', KEYS[1])
end
return 0
