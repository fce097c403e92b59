-- Posts closed 3-line receipts with unique ids, as tills would.
local counter = 0
local thread_id = 0
setup = function(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
request = function()
  counter = counter + 1
  local id = string.format("W%d-%d-%d", tid or 0, counter, math.random(1, 1000000000))
  local body = '{"id":"' .. id .. '","store":"S1","terminal":"T' .. (counter % 20) .. '","cashier":"C1","at":"2026-11-22T10:15:00+03:00","lines":[{"sku":"4607001234562","qty":2,"price":8990},{"sku":"2100001000011","qty":0.755,"price":54900},{"sku":"46012340","qty":1,"price":25000}]}'
  return wrk.format("POST", "/v1/sales", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("TOKEN")}, body)
end
